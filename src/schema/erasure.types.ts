import { Field, Int, ObjectType } from 'type-graphql';
import type { ErasureResult, RetentionCandidate } from '../records/erasure.service';
import { LocalDate } from './scalars';

@ObjectType('RemovedRows', {
  simpleResolvers: true,
  description: 'How many rows one table lost in an erasure.',
})
export class RemovedRowsType {
  @Field({ description: 'The table (a record table, its `_version` table, attendance, ...).' })
  table: string;

  @Field(() => Int)
  rows: number;
}

@ObjectType('Erasure', {
  simpleResolvers: true,
  description:
    'What an erasure removed. The pupil is named by internal id only, as the audit row names them.',
})
export class ErasureType {
  @Field(() => Int)
  pupilId: number;

  @Field(() => [RemovedRowsType])
  removed: RemovedRowsType[];

  @Field(() => Int, { description: 'Earlier audit rows from which the pupil’s UPN and data were taken out.' })
  auditRowsRedacted: number;
}

export function toErasureType(e: ErasureResult): ErasureType {
  return Object.assign(new ErasureType(), {
    pupilId: e.pupilId,
    removed: Object.entries(e.removed).map(([table, rows]) =>
      Object.assign(new RemovedRowsType(), { table, rows }),
    ),
    auditRowsRedacted: e.auditRowsRedacted,
  });
}

@ObjectType('RetentionCandidate', {
  simpleResolvers: true,
  description: 'A pupil past their authority’s retention setting.',
})
export class RetentionCandidateType {
  @Field()
  upn: string;

  @Field()
  laCode: string;

  @Field(() => LocalDate, { nullable: true, description: 'When their last placement ended (null: none).' })
  lastPlacementEnded: string | null;

  @Field(() => LocalDate, {
    description: 'The later of the last placement’s end and the 18th birthday, plus retentionYears.',
  })
  keptUntil: string;

  @Field(() => Int)
  retentionYears: number;
}

export function toRetentionCandidateType(r: RetentionCandidate): RetentionCandidateType {
  return Object.assign(new RetentionCandidateType(), r);
}
