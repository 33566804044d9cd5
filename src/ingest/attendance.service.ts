import { placementScope, positional, requireRows, rowWall } from '../auth/policy';
import { Principal } from '../auth/principal';
import { behindWall } from '../auth/row-wall';
import { Database } from '../db/database';
import { isIsoDate } from '../domain/dates';
import { NotFoundError } from '../errors';
import { assertMayImport, ImportOptions, importRecords } from './import.service';
import { IngestError } from './ingest-error';
import { ImportResult } from './kind-definition';
import { SourceRow } from './row-source';

export interface AttendanceMark {
  placementRef: string;
  /** Needed unless the register gives one session for all marks. */
  session?: string;
  code: string;
}

/** A day's register (or one session's) for many placements at once. */
export interface AttendanceRegister {
  date: string;
  session?: string;
  marks: AttendanceMark[];
}

export const MAX_REGISTER_MARKS = 10_000;

const ATTENDANCE_HEADER = ['placement_ref', 'date', 'session', 'code', 'recorded_at', 'recorded_by'];

/**
 * Records a register through the attendance import itself, so the same checks and correction rules
 * apply; the marks are recorded by the caller, now. A row error's `line` is the mark's position in
 * `marks` (first = 1).
 */
export async function submitAttendance(
  db: Database,
  principal: Principal,
  register: AttendanceRegister,
  opts: { now?: Date; audit?: ImportOptions['audit'] } = {},
): Promise<ImportResult> {
  assertMayImport(principal, 'attendance');
  if (register.marks.length === 0)
    throw new IngestError('INGEST_BAD_REQUEST', 'the register has no marks', 'marks');
  if (register.marks.length > MAX_REGISTER_MARKS)
    throw new IngestError(
      'INGEST_BAD_REQUEST',
      `a register holds at most ${MAX_REGISTER_MARKS} marks`,
      'marks',
    );
  const now = (opts.now ?? new Date()).toISOString();
  const rows: SourceRow[] = register.marks.map((mark, i) => ({
    line: i + 1,
    cells: [
      mark.placementRef,
      register.date,
      mark.session ?? register.session ?? '',
      mark.code,
      now,
      principal.name,
    ],
  }));
  async function* records(): AsyncGenerator<SourceRow[]> {
    yield [{ line: 0, cells: ATTENDANCE_HEADER }, ...rows];
  }
  return importRecords(db, principal, 'attendance', records(), opts);
}

export interface AttendanceVersion {
  /** The placement whose mark this is: not a field of the API's type, but what its read audit names. */
  placementRef: string;
  sessionDate: string;
  session: 'AM' | 'PM';
  code: string;
  recordedAt: Date;
  recordedBy: string | null;
  supersededAt: Date | null;
}

export interface HistoryFilter {
  from?: string;
  to?: string;
  /** Only the versions that stood on this (Europe/London) date: what was known then. */
  asOf?: string;
}

/** Every version of a placement's marks, by session then recorded_at; NotFoundError if no placement. */
export async function attendanceHistory(
  db: Database,
  principal: Principal,
  placementRef: string,
  filter: HistoryFilter = {},
): Promise<AttendanceVersion[]> {
  requireRows(principal);
  for (const [name, value] of Object.entries(filter))
    if (value != null && !isIsoDate(value))
      throw new IngestError('INGEST_BAD_REQUEST', `${name} must be a date YYYY-MM-DD`, name);
  if (filter.from && filter.to && filter.from > filter.to)
    throw new IngestError('INGEST_BAD_REQUEST', `from ${filter.from} is after to ${filter.to}`, 'to');
  // the placement as the caller reads it (one outside their scope does not exist, as an absent one),
  // then its marks: both behind the wall, in one transaction
  const scope = positional(placementScope(principal, 'placement', 'pupil'), 1);
  const rows = await behindWall(
    db.dataSource,
    rowWall(principal),
    async (m): Promise<Omit<AttendanceVersion, 'placementRef'>[] | null> => {
      const [found]: { id: number }[] = await m.query(
        `SELECT placement.id FROM placement JOIN pupil ON pupil.id = placement.pupil_id
         WHERE placement.placement_ref = $1 AND ${scope.sql}`,
        [placementRef, ...scope.values],
      );
      if (!found) return null;
      return m.query(
        `SELECT a.session_date AS "sessionDate", a.session, a.code, a.recorded_at AS "recordedAt",
           a.recorded_by AS "recordedBy", a.superseded_at AS "supersededAt"
         FROM attendance a
         WHERE a.placement_id = $1
           AND ($2::date IS NULL OR a.session_date >= $2::date)
           AND ($3::date IS NULL OR a.session_date <= $3::date)
           AND ($4::date IS NULL OR (a.recorded_on <= $4::date AND (a.superseded_on IS NULL OR a.superseded_on > $4::date)))
         ORDER BY a.session_date, a.session, a.recorded_at`,
        [found.id, filter.from ?? null, filter.to ?? null, filter.asOf ?? null],
      );
    },
  );
  if (!rows) throw new NotFoundError('placement', placementRef);
  return rows.map((r) => ({ placementRef, ...r }));
}
