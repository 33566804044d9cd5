import { Arg, Args, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { revertImport } from '../history/revert.service';
import { attendanceHistory, submitAttendance } from '../ingest';
import { listImportRuns } from '../ingest/import-run.service';
import { importUpload } from '../ingest/upload.service';
import {
  AttendanceHistoryArgs,
  AttendanceRegisterInput,
  AttendanceVersionType,
  ImportFileArgs,
  ImportResultType,
  ImportRunType,
  RevertResultType,
  toAttendanceVersionType,
  toImportResultType,
} from '../schema/ingest.types';
import { Context } from '../server/context';

@Resolver()
export class IngestResolver {
  @Allow('admin', 'la_officer', 'provider')
  @Mutation(() => ImportResultType, {
    description:
      'Imports one file of the bulk contract (spec/import-formats.md) as one transaction: counts, or every rejected row and nothing stored.',
  })
  async importFile(@Args() args: ImportFileArgs, @Ctx() ctx: Context): Promise<ImportResultType> {
    const result = await importUpload(ctx.db, ctx.principal, args, { operation: 'mutation importFile' });
    return toImportResultType(result);
  }

  @Allow('admin', 'provider')
  @Mutation(() => ImportResultType, {
    description:
      'Records a register of marks, recorded by the caller now. A changed code is a correction; earlier versions stay in the history.',
  })
  async submitAttendance(
    @Arg('register') register: AttendanceRegisterInput,
    @Ctx() ctx: Context,
  ): Promise<ImportResultType> {
    const result = await submitAttendance(ctx.db, ctx.principal, register, {
      audit: { operation: 'mutation submitAttendance', file: 'register' },
    });
    return toImportResultType(result);
  }

  @Allow('admin')
  @Query(() => [ImportRunType], { description: 'Every import, newest first (administrators).' })
  async importRuns(
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() ctx: Context,
  ): Promise<ImportRunType[]> {
    return listImportRuns(ctx.db, ctx.principal, { limit: limit ?? undefined });
  }

  @Allow('admin')
  @Mutation(() => RevertResultType, {
    description:
      'Undoes every change an import made, by new versions (history kept). Refused where a later change touched the same records, unless force.',
  })
  async revertImport(
    @Arg('id', () => Int) id: number,
    @Arg('force', () => Boolean, { nullable: true }) force: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<RevertResultType> {
    return revertImport(ctx.db, ctx.principal, id, { force: force ?? false });
  }

  @Allow('admin', 'la_officer', 'school', 'provider')
  @Query(() => [AttendanceVersionType], {
    description: "Every version of a placement's session marks, by session then time recorded.",
  })
  async attendanceHistory(
    @Args() args: AttendanceHistoryArgs,
    @Ctx() ctx: Context,
  ): Promise<AttendanceVersionType[]> {
    const { placementRef, from, to, asOf } = args;
    const versions = await attendanceHistory(ctx.db, ctx.principal, placementRef, {
      from: from ?? undefined,
      to: to ?? undefined,
      asOf: asOf ?? undefined,
    });
    return versions.map(toAttendanceVersionType);
  }
}
