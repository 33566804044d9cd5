import { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import {
  placementScope,
  positional,
  pupilScope,
  requireAuthority,
  requirePlacementChangeable,
  requirePlacementInScope,
  requirePupilInScope,
  requireSchoolMayChange,
  requireVisitor,
  requireWriter,
} from '../auth/policy';
import { Principal } from '../auth/principal';
import {
  CalendarEntry,
  Destination,
  Placement,
  ProviderEvidence,
  ProviderVisit,
  Review,
  Target,
} from '../entities';
import { Session } from '../entities/attendance.entity';
import { CalendarKind } from '../entities/calendar-entry.entity';
import { EvidenceItem } from '../entities/provider-evidence.entity';
import { Visitor } from '../entities/provider-visit.entity';
import { setChangeContext } from '../history/change-context';
import type { AttendanceVersion } from '../ingest/attendance.service';
import { snapshot } from './audited-save';
import { holdOffImports } from './erasure-lock';
import { guardWrite, notFound } from './record-errors';
import { authorityByLaCode, placementByRef, providerByRef } from './references';

/** What a deletion is audited as: the kind of record and its natural key (`PL1/T2`, `802/2026-01-05/term`). */
interface Deleted {
  kind: string;
  key: string;
  table: string;
  detail?: Record<string, unknown>;
}

/**
 * Deletes records entered in error. Each deletion is one transaction: the record is found (and
 * locked) through the caller's scope, deleted, and audited with its values before. The version
 * triggers (migration RecordVersions) keep the deletion as a version naming the caller, so readings
 * "as of" an earlier date still see the record, and every later one does not. Deleting a placement
 * deletes its targets and reviews (each a deletion version of its own) and closes its attendance
 * marks (migration DeleteAndErase). Who may delete a record is who may change it
 * (src/auth/policy.ts); a record outside the caller's scope is NOT_FOUND where a change of it would be.
 */
export class DeletionService {
  constructor(private readonly ds: DataSource) {}

  private remove<T extends { id: number }>(
    caller: Principal,
    load: (m: EntityManager) => Promise<T>,
    what: (record: T, m: EntityManager) => Promise<Deleted> | Deleted,
  ): Promise<T> {
    return guardWrite(() =>
      this.ds.transaction(async (m) => {
        const record = await load(m);
        const d = await what(record, m);
        await setChangeContext(m, { actor: caller.name });
        await m.query(`DELETE FROM ${d.table} WHERE id = $1`, [record.id]);
        await recordAudit(m, caller, {
          action: 'delete',
          operation: `delete ${d.kind}`,
          subjectKind: d.kind,
          subjects: [d.key],
          before: snapshot(record),
          after: null,
          detail: d.detail,
        });
        return record;
      }),
    );
  }

  /** A placement the caller may change (as `update` finds it): NOT_FOUND outside its scope. */
  private async placementInScope(m: EntityManager, caller: Principal, placementRef: string) {
    const scope = placementScope(caller, 'pl', 'p');
    const found = await m
      .getRepository(Placement)
      .createQueryBuilder('pl')
      .innerJoin('pupil', 'p', 'p.id = pl.pupil_id')
      .where(scope.sql, scope.params)
      .andWhere('pl.placementRef = :placementRef', { placementRef })
      .setLock('pessimistic_write', undefined, ['pl'])
      .getOne();
    if (!found) throw notFound('placement', placementRef, 'placementRef');
    // the lock needs the owner's role; the row-level wall checks the same scope a second time
    await requirePlacementChangeable(m, caller, found);
    return found;
  }

  async deletePlacement(caller: Principal, placementRef: string): Promise<Placement> {
    requireWriter(caller, 'placement');
    return this.remove(
      caller,
      async (m) => {
        // an attendance import running holds the marks' tables and may have looked the placement up
        // already: taking the placement's lock first and then closing its marks would deadlock with
        // it, or close the marks before the import stores more. The deletion waits for it instead.
        await holdOffImports(m);
        return this.placementInScope(m, caller, placementRef);
      },
      async (pl, m) => {
        const [counts]: { targets: number; reviews: number; marks: number }[] = await m.query(
          `SELECT (SELECT count(*)::int FROM target WHERE placement_id = $1) AS targets,
                  (SELECT count(*)::int FROM review WHERE placement_id = $1) AS reviews,
                  (SELECT count(*)::int FROM attendance WHERE placement_id = $1 AND superseded_at IS NULL) AS marks`,
          [pl.id],
        );
        return {
          kind: 'placement',
          key: placementRef,
          table: 'placement',
          detail: { targets: counts.targets, reviews: counts.reviews, attendanceMarksClosed: counts.marks },
        };
      },
    );
  }

  /** The placement of a plan record, which the caller must be able to change (as the plan's writes do). */
  private async planPlacement(m: EntityManager, caller: Principal, kind: 'target' | 'review', ref: string) {
    requireWriter(caller, kind);
    const placement = await placementByRef(m, ref);
    await requirePlacementChangeable(m, caller, placement);
    return placement;
  }

  async deleteTarget(caller: Principal, placementRef: string, targetRef: string): Promise<Target> {
    requireWriter(caller, 'target');
    const key = `${placementRef}/${targetRef}`;
    return this.remove(
      caller,
      async (m) => {
        const placement = await this.planPlacement(m, caller, 'target', placementRef);
        const found = await m.findOne(Target, {
          where: { placementId: placement.id, targetRef },
          lock: { mode: 'pessimistic_write' },
        });
        if (!found) throw notFound('target', key, 'targetRef');
        return found;
      },
      () => ({ kind: 'target', key, table: 'target' }),
    );
  }

  async deleteReview(caller: Principal, placementRef: string, reviewDate: string): Promise<Review> {
    requireWriter(caller, 'review');
    const key = `${placementRef}/${reviewDate}`;
    return this.remove(
      caller,
      async (m) => {
        const placement = await this.planPlacement(m, caller, 'review', placementRef);
        const found = await m.findOne(Review, {
          where: { placementId: placement.id, reviewDate },
          lock: { mode: 'pessimistic_write' },
        });
        if (!found) throw notFound('review', key, 'reviewDate');
        return found;
      },
      () => ({ kind: 'review', key, table: 'review' }),
    );
  }

  async deleteDestination(caller: Principal, upn: string, recordedOn: string): Promise<Destination> {
    requireWriter(caller, 'destination');
    const key = `${upn}/${recordedOn}`;
    return this.remove(
      caller,
      async (m) => {
        // the pupil as the destination's writes find it: outside the caller's scope it does not exist
        const s = positional(pupilScope(caller, 'pupil'), 1);
        const [pupil]: { id: number; schoolId: number | null }[] = await m.query(
          `SELECT pupil.id, pupil.school_id AS "schoolId" FROM pupil WHERE pupil.upn = $1 AND ${s.sql}`,
          [upn, ...s.values],
        );
        if (!pupil) throw notFound('pupil', upn, 'upn');
        await requirePupilInScope(m, caller, pupil.id, upn);
        await requireSchoolMayChange(m, caller, { kind: 'pupil', key: upn, schoolId: pupil.schoolId });
        const found = await m.findOne(Destination, {
          where: { pupilId: pupil.id, recordedOn },
          lock: { mode: 'pessimistic_write' },
        });
        if (!found) throw notFound('destination', key, 'recordedOn');
        return found;
      },
      () => ({ kind: 'destination', key, table: 'destination' }),
    );
  }

  async deleteVisit(
    caller: Principal,
    key: { providerRef: string; visitDate: string; visitor: Visitor },
  ): Promise<ProviderVisit> {
    requireWriter(caller, 'visit');
    requireVisitor(caller, key.visitor);
    const subject = `${key.providerRef}/${key.visitDate}/${key.visitor}`;
    return this.remove(
      caller,
      async (m) => {
        const provider = await providerByRef(m, key.providerRef);
        const found = await m.findOne(ProviderVisit, {
          where: { providerId: provider.id, visitDate: key.visitDate, visitor: key.visitor },
          lock: { mode: 'pessimistic_write' },
        });
        if (!found) throw notFound('visit', subject, 'visitDate');
        return found;
      },
      () => ({ kind: 'visit', key: subject, table: 'provider_visit' }),
    );
  }

  async deleteEvidence(
    caller: Principal,
    providerRef: string,
    item: EvidenceItem,
  ): Promise<ProviderEvidence> {
    requireWriter(caller, 'evidence');
    const key = `${providerRef}/${item}`;
    return this.remove(
      caller,
      async (m) => {
        const provider = await providerByRef(m, providerRef);
        const found = await m.findOne(ProviderEvidence, {
          where: { providerId: provider.id, item },
          lock: { mode: 'pessimistic_write' },
        });
        if (!found) throw notFound('evidence', key, 'item');
        return found;
      },
      () => ({ kind: 'evidence', key, table: 'provider_evidence' }),
    );
  }

  async deleteCalendarEntry(
    caller: Principal,
    key: { laCode: string; startDate: string; kind: CalendarKind },
  ): Promise<CalendarEntry> {
    requireWriter(caller, 'calendar');
    requireAuthority(caller, key.laCode, 'change the calendar');
    const subject = `${key.laCode}/${key.startDate}/${key.kind}`;
    return this.remove(
      caller,
      async (m) => {
        const authority = await authorityByLaCode(m, key.laCode);
        const found = await m.findOne(CalendarEntry, {
          where: { authorityId: authority.id, startDate: key.startDate, kind: key.kind },
          lock: { mode: 'pessimistic_write' },
        });
        if (!found) throw notFound('calendar entry', subject, 'startDate');
        return found;
      },
      () => ({ kind: 'calendar', key: subject, table: 'calendar_entry' }),
    );
  }

  /**
   * Deletes a session's mark: its current version is closed now (superseded, Europe/London day of
   * now) and no version replaces it, so the session has no mark from now on while every reading as of
   * an earlier date still sees it. A later register may mark the session again. The attendance span
   * covers every version, so it stays as it is.
   */
  async deleteAttendanceMark(
    caller: Principal,
    key: { placementRef: string; date: string; session: Session },
  ): Promise<AttendanceVersion> {
    requireWriter(caller, 'attendance');
    const subject = `${key.placementRef}/${key.date}/${key.session}`;
    return guardWrite(() =>
      this.ds.transaction(async (m) => {
        const placement = await placementByRef(m, key.placementRef);
        await requirePlacementInScope(m, caller, placement.id, key.placementRef);
        const [rows]: [(Omit<AttendanceVersion, 'placementRef'> & { recordedOn: string })[], number] =
          await m.query(
            `UPDATE attendance SET superseded_at = greatest(now(), recorded_at),
             superseded_on = (now() AT TIME ZONE 'Europe/London')::date
           WHERE placement_id = $1 AND session_date = $2 AND session = $3 AND superseded_at IS NULL
           RETURNING session_date AS "sessionDate", session, code, recorded_at AS "recordedAt",
             recorded_on AS "recordedOn", recorded_by AS "recordedBy", superseded_at AS "supersededAt"`,
            [placement.id, key.date, key.session],
          );
        if (!rows.length) throw notFound('attendance mark', subject, 'date');
        const [closed] = rows;
        await recordAudit(m, caller, {
          action: 'delete',
          operation: 'delete attendance',
          subjectKind: 'attendance',
          subjects: [subject],
          before: { ...closed, supersededAt: null },
          after: null,
        });
        const { recordedOn: _day, ...version } = closed;
        return { placementRef: key.placementRef, ...version };
      }),
    );
  }
}
