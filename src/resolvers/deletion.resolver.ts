import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { DeletionService } from '../records/deletion.service';
import { erasePupil, pupilsPastRetention } from '../records/erasure.service';
import { CalendarEntryType, toCalendarEntryType } from '../schema/authority.types';
import { CalendarKindEnum, EvidenceItemEnum, VisitorEnum } from '../schema/enums';
import {
  ErasureType,
  RetentionCandidateType,
  toErasureType,
  toRetentionCandidateType,
} from '../schema/erasure.types';
import { AttendanceVersionType, SessionEnum, toAttendanceVersionType } from '../schema/ingest.types';
import {
  PlacementType,
  ReviewType,
  TargetType,
  toPlacementType,
  toReviewType,
  toTargetType,
} from '../schema/placement.types';
import {
  ProviderEvidenceType,
  ProviderVisitType,
  toProviderEvidenceType,
  toProviderVisitType,
} from '../schema/provider.types';
import { DestinationType, toDestinationType } from '../schema/pupil.types';
import { LocalDate, UpnScalar } from '../schema/scalars';
import { Context } from '../server/context';

const KEPT = 'Its history is kept: readings as of an earlier date still see it.';

/** Deletions of records entered in error, and erasure of a pupil. */
@Resolver()
export class DeletionResolver {
  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => PlacementType, {
    description: `Deletes a placement entered in error, with its targets and reviews; its attendance marks are closed. ${KEPT}`,
  })
  async deletePlacement(
    @Arg('placementRef') placementRef: string,
    @Ctx() ctx: Context,
  ): Promise<PlacementType> {
    return toPlacementType(
      await new DeletionService(ctx.db.dataSource).deletePlacement(ctx.principal, placementRef),
    );
  }

  @Allow('admin', 'la_officer', 'school', 'provider')
  @Mutation(() => TargetType, { description: `Deletes a target entered in error. ${KEPT}` })
  async deleteTarget(
    @Arg('placementRef') placementRef: string,
    @Arg('targetRef') targetRef: string,
    @Ctx() ctx: Context,
  ): Promise<TargetType> {
    const deleted = await new DeletionService(ctx.db.dataSource).deleteTarget(
      ctx.principal,
      placementRef,
      targetRef,
    );
    return toTargetType(deleted);
  }

  @Allow('admin', 'la_officer', 'school', 'provider')
  @Mutation(() => ReviewType, { description: `Deletes a review entered in error. ${KEPT}` })
  async deleteReview(
    @Arg('placementRef') placementRef: string,
    @Arg('reviewDate', () => LocalDate) reviewDate: string,
    @Ctx() ctx: Context,
  ): Promise<ReviewType> {
    const deleted = await new DeletionService(ctx.db.dataSource).deleteReview(
      ctx.principal,
      placementRef,
      reviewDate,
    );
    return toReviewType(deleted);
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => ProviderVisitType, { description: `Deletes a provider visit entered in error. ${KEPT}` })
  async deleteProviderVisit(
    @Arg('providerRef') providerRef: string,
    @Arg('visitDate', () => LocalDate) visitDate: string,
    @Arg('visitor', () => VisitorEnum) visitor: VisitorEnum,
    @Ctx() ctx: Context,
  ): Promise<ProviderVisitType> {
    const deleted = await new DeletionService(ctx.db.dataSource).deleteVisit(ctx.principal, {
      providerRef,
      visitDate,
      visitor,
    });
    return toProviderVisitType(deleted);
  }

  @Allow('admin', 'la_officer')
  @Mutation(() => ProviderEvidenceType, { description: `Deletes an evidence item entered in error. ${KEPT}` })
  async deleteProviderEvidence(
    @Arg('providerRef') providerRef: string,
    @Arg('item', () => EvidenceItemEnum) item: EvidenceItemEnum,
    @Ctx() ctx: Context,
  ): Promise<ProviderEvidenceType> {
    const deleted = await new DeletionService(ctx.db.dataSource).deleteEvidence(
      ctx.principal,
      providerRef,
      item,
    );
    return toProviderEvidenceType(deleted);
  }

  @Allow('admin', 'la_officer')
  @Mutation(() => CalendarEntryType, {
    description: `Deletes a term or closure entered in error, identified by authority, start date and kind. ${KEPT}`,
  })
  async deleteCalendarEntry(
    @Arg('laCode') laCode: string,
    @Arg('startDate', () => LocalDate) startDate: string,
    @Arg('kind', () => CalendarKindEnum) kind: CalendarKindEnum,
    @Ctx() ctx: Context,
  ): Promise<CalendarEntryType> {
    const deleted = await new DeletionService(ctx.db.dataSource).deleteCalendarEntry(ctx.principal, {
      laCode,
      startDate,
      kind,
    });
    return toCalendarEntryType(deleted);
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => DestinationType, { description: `Deletes a destination entered in error. ${KEPT}` })
  async deleteDestination(
    @Arg('upn', () => UpnScalar) upn: string,
    @Arg('recordedOn', () => LocalDate) recordedOn: string,
    @Ctx() ctx: Context,
  ): Promise<DestinationType> {
    const deleted = await new DeletionService(ctx.db.dataSource).deleteDestination(
      ctx.principal,
      upn,
      recordedOn,
    );
    return toDestinationType(deleted);
  }

  @Allow('admin', 'la_officer', 'provider')
  @Mutation(() => AttendanceVersionType, {
    description:
      'Deletes a session mark entered in error: its current version is closed now (supersededAt) and none replaces it. Earlier versions stay in attendanceHistory.',
  })
  async deleteAttendanceMark(
    @Arg('placementRef') placementRef: string,
    @Arg('date', () => LocalDate) date: string,
    @Arg('session', () => SessionEnum) session: SessionEnum,
    @Ctx() ctx: Context,
  ): Promise<AttendanceVersionType> {
    const closed = await new DeletionService(ctx.db.dataSource).deleteAttendanceMark(ctx.principal, {
      placementRef,
      date,
      session,
    });
    return toAttendanceVersionType(closed);
  }

  @Allow('admin')
  @Mutation(() => ErasureType, {
    description:
      'Erases a pupil: every version of every record about them, their attendance, and their UPN in the audit trail; one audit row records it by internal id. Cannot be undone.',
  })
  async erasePupil(@Arg('upn', () => UpnScalar) upn: string, @Ctx() ctx: Context): Promise<ErasureType> {
    return toErasureType(await erasePupil(ctx.db.dataSource, ctx.principal, upn));
  }

  @Allow('admin')
  @Query(() => [RetentionCandidateType], {
    description:
      'Pupils past their authority’s retentionYears on a date (default today): candidates for erasure.',
  })
  async pupilsPastRetention(
    @Arg('on', () => LocalDate, { nullable: true }) on: string | null,
    @Ctx() ctx: Context,
  ): Promise<RetentionCandidateType[]> {
    const rows = await pupilsPastRetention(ctx.db.dataSource, ctx.principal, on ?? undefined);
    return rows.map(toRetentionCandidateType);
  }
}
