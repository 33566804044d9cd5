import {
  ArrayMaxSize,
  ArrayMinSize,
  IsOptional,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  AttendanceVersion,
  IMPORT_KINDS,
  ImportKind,
  ImportResult,
  MAX_REGISTER_MARKS,
  RowError,
} from '../ingest';
import { enumOfValues } from './enums';
import { DateTime, LocalDate } from './scalars';

/** Values are the import kinds (and file names) of spec/import-formats.md, from `IMPORT_KINDS`. */
export const ImportKindEnum = enumOfValues(IMPORT_KINDS);
export type ImportKindEnum = ImportKind;

export enum ContentEncodingEnum {
  UTF8 = 'utf8',
  BASE64 = 'base64',
}

export enum SessionEnum {
  AM = 'AM',
  PM = 'PM',
}

registerEnumType(ImportKindEnum, {
  name: 'ImportKind',
  description: 'A bulk file kind of the import contract.',
});
registerEnumType(ContentEncodingEnum, {
  name: 'ContentEncoding',
  description: 'UTF8: the content is the CSV text; BASE64: the file bytes (required for .xlsx).',
});
registerEnumType(SessionEnum, { name: 'Session', description: 'Morning or afternoon register.' });

@ObjectType('ImportRowError', { simpleResolvers: true, description: 'One rejected cell or row.' })
export class RowErrorType {
  @Field(() => Int, {
    description: 'The line in the file (header = 1); for a register, the mark (first = 1).',
  })
  line: number;

  @Field({ description: 'The column at fault, empty when the whole row is.' })
  column: string;

  @Field()
  value: string;

  @Field()
  reason: string;
}

@ObjectType('ImportResult', {
  simpleResolvers: true,
  description: 'What an import did. When errors is not empty, nothing of the file was stored.',
})
export class ImportResultType {
  @Field(() => ImportKindEnum)
  kind: ImportKindEnum;

  @Field({ description: 'True when every row was valid and the file was stored.' })
  accepted: boolean;

  @Field(() => Int, { description: 'Data rows read.' })
  rows: number;

  @Field(() => Int)
  inserted: number;

  @Field(() => Int, { description: 'Rows that changed a stored record (for attendance: corrections).' })
  updated: number;

  @Field(() => Int)
  unchanged: number;

  @Field(() => [RowErrorType], { description: 'Every rejected row, by line.' })
  errors: RowErrorType[];

  @Field(() => Int, { description: 'Rejected rows beyond the listing limit, counted only.' })
  errorsNotListed: number;

  @Field(() => Int, {
    description: 'The import run that recorded this import (`npx alp-hub imports list`), stored or not.',
  })
  runId: number;
}

export function toImportResultType(r: ImportResult): ImportResultType {
  const errors: RowErrorType[] = r.errors.map((e: RowError) => Object.assign(new RowErrorType(), e));
  return Object.assign(new ImportResultType(), {
    ...r,
    kind: r.kind as ImportKindEnum,
    accepted: r.errors.length === 0 && r.errorsNotListed === 0,
    errors,
  });
}

@ArgsType()
export class ImportFileArgs {
  @Field(() => ImportKindEnum)
  kind: ImportKindEnum;

  @Field({ description: 'The file name; `.xlsx` means a workbook (send it base64), anything else CSV.' })
  @MinLength(1)
  @MaxLength(255)
  filename: string;

  @Field({ description: 'The file: CSV text, or base64 of the bytes (see encoding).' })
  content: string;

  @Field(() => ContentEncodingEnum, { defaultValue: ContentEncodingEnum.UTF8 })
  encoding: ContentEncodingEnum;
}

@InputType({ description: "One placement's mark in a register." })
export class AttendanceMarkInput {
  @Field()
  @MinLength(1)
  @MaxLength(100)
  placementRef: string;

  @Field(() => SessionEnum, { nullable: true, description: 'Needed unless the register gives the session.' })
  @IsOptional()
  session?: SessionEnum;

  @Field({ description: 'A code of attendance-codes.csv (case-insensitive).' })
  @MinLength(1)
  @MaxLength(4)
  code: string;
}

@InputType({ description: "A day's register (or one session's) for many placements at once." })
export class AttendanceRegisterInput {
  @Field(() => LocalDate)
  date: string;

  @Field(() => SessionEnum, {
    nullable: true,
    description: 'The session of every mark, for a session register.',
  })
  @IsOptional()
  session?: SessionEnum;

  @Field(() => [AttendanceMarkInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_REGISTER_MARKS)
  @ValidateNested()
  marks: AttendanceMarkInput[];
}

@ArgsType()
export class AttendanceHistoryArgs {
  @Field()
  @MinLength(1)
  placementRef: string;

  @Field(() => LocalDate, { nullable: true, description: 'Sessions on or after this date.' })
  @IsOptional()
  from?: string;

  @Field(() => LocalDate, { nullable: true, description: 'Sessions on or before this date.' })
  @IsOptional()
  to?: string;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Only the versions that stood on this date (Europe/London): what the hub knew then.',
  })
  @IsOptional()
  asOf?: string;
}

@ObjectType('AttendanceVersion', {
  simpleResolvers: true,
  description: 'One version of a session mark; the current one has supersededAt null.',
})
export class AttendanceVersionType {
  @Field(() => LocalDate)
  sessionDate: string;

  @Field(() => SessionEnum)
  session: SessionEnum;

  @Field()
  code: string;

  @Field(() => DateTime)
  recordedAt: Date;

  @Field(() => String, { nullable: true })
  recordedBy: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When a correction replaced this version.' })
  supersededAt: Date | null;

  /** Not a field: the placement the read audit names (src/audit/read-audit.plugin.ts). */
  placementRef: string;
}

export function toAttendanceVersionType(v: AttendanceVersion): AttendanceVersionType {
  return Object.assign(new AttendanceVersionType(), { ...v, session: v.session as SessionEnum });
}

@ObjectType('ImportRun', {
  simpleResolvers: true,
  description: 'One import (a file, an upload, a register, an undo) and what it did.',
})
export class ImportRunType {
  @Field(() => Int)
  id: number;

  @Field({ description: 'The kind of file.' })
  kind: string;

  @Field(() => String, { nullable: true, description: "The file's name; none for a register or an undo." })
  fileName: string | null;

  @Field({ description: 'Who sent it.' })
  principalName: string;

  @Field(() => DateTime)
  startedAt: Date;

  @Field(() => DateTime, { nullable: true })
  finishedAt: Date | null;

  @Field({ description: 'running, stored, rejected or failed.' })
  outcome: string;

  @Field(() => Int, { nullable: true })
  rows: number | null;

  @Field(() => Int, { nullable: true })
  inserted: number | null;

  @Field(() => Int, { nullable: true })
  updated: number | null;

  @Field(() => Int, { nullable: true })
  unchanged: number | null;

  @Field(() => String, { nullable: true, description: 'Why a failed import failed.' })
  message: string | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'A back-load: its records are known from this time.',
  })
  knownAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'An undo: the import it undid.' })
  reverts: number | null;

  @Field(() => Int, { nullable: true, description: 'The undo that undid this import.' })
  revertedBy: number | null;
}

@ObjectType('RevertResult', {
  simpleResolvers: true,
  description: 'What undoing an import changed, as new versions.',
})
export class RevertResultType {
  @Field(() => Int, { description: 'The import undone.' })
  reverted: number;

  @Field(() => Int, { description: 'The import run recording the undo.' })
  runId: number;

  @Field()
  kind: string;

  @Field(() => Int, { description: 'Records the import had added, now deleted.' })
  deleted: number;

  @Field(() => Int, { description: 'Records the import had changed, back to their values before it.' })
  restored: number;
}
