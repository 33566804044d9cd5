import { PoolClient } from 'pg';
import { dayOfWeek } from '../../domain/dates';
import { BatchResolver, ColumnDef, ImportContext, ReportProblem, RowLookup } from '../kind-definition';

type PlacementRef =
  | { id: string; start: string; end: string | null; authority: AuthorityCalendar; outside?: undefined }
  /** A placement the importer may not name: only why, nothing of the placement itself. */
  | { outside: string };

/** One authority's terms and closures, with each day's verdict remembered (a file repeats its days). */
class AuthorityCalendar {
  readonly terms: [string, string][] = [];
  readonly closures: [string, string][] = [];
  private readonly verdicts = new Map<string, string | null>();

  constructor(readonly laCode: string) {}

  /** Why `day` is not a school day, or null: the same rules, in the same order, as `alp_school_days`. */
  notSchoolDay(day: string): string | null {
    let why = this.verdicts.get(day);
    if (why === undefined) {
      why = this.judge(day);
      this.verdicts.set(day, why);
    }
    return why;
  }

  private judge(day: string): string | null {
    const dow = dayOfWeek(day);
    if (dow === 0 || dow === 6) return 'a weekend';
    if (this.closures.some(([s, e]) => s <= day && day <= e)) return 'a closure';
    if (this.terms.length > 0 && !this.terms.some(([s, e]) => s <= day && day <= e))
      return 'outside every term';
    return null;
  }
}

/**
 * Attendance rows checked against placements, attendance codes and authority calendars in JS as the file
 * streams (see RowLookup): the placement must exist and be one the importer may name, the code must be
 * DfE's, the date must be within the placement and a school day of the pupil's authority. Stages the
 * placement's id. A row naming a placement outside the importer's scope gets the scope's reason alone:
 * the placement's dates and its authority's calendar are not loaded for it, so no error tells of them.
 *
 * The first batch looks up only its own placement references (a day's register reads a handful of
 * rows); a file with more batches loads every placement once at its second batch, rather than one query
 * per batch. The writer is paused around each load (a COPY holds the connection).
 *
 * While the rows come grouped by placement (a provider's or an MIS export of a year usually is), it also
 * finds repeated natural keys itself, remembering only the current placement's sessions, so memory stays
 * flat and the import skips the SQL duplicate check (a hash aggregate over every staged row). Once a
 * placement comes back after another, it stops and leaves the rest to that check.
 */
export const ATTENDANCE_LOOKUP: RowLookup = {
  derived: [{ name: 'placement_id', type: 'integer' }],
  open: (client, columns, ctx) => new AttendanceResolver(client, columns, ctx),
};

const DAY_MS = 86_400_000;

/**
 * A test that a canonical timestamp (cell-parsers' `timestamp`: ISO 8601 with an offset) is not later
 * than `limit`. A timestamp whose date is two days or more before the limit's UTC date is earlier
 * whatever its offset (offsets are under a day), which a string comparison tells: only the last two
 * days' values are parsed.
 */
export function notLaterThan(limit: Date): (canonical: string) => boolean {
  const limitMs = limit.getTime();
  const surelyBefore = new Date(limitMs - 2 * DAY_MS).toISOString().slice(0, 10);
  return (canonical) => canonical < surelyBefore || Date.parse(canonical) <= limitMs;
}

class AttendanceResolver implements BatchResolver {
  private readonly placements = new Map<string, PlacementRef | null>();
  private readonly authorities = new Map<number, AuthorityCalendar>();
  private codes: Set<string> | undefined;
  /** A batch's own references have been looked up once: the next lookup loads every placement. */
  private lookedUp = false;
  private loadedAll = false;
  /** The placement whose rows are being read, with the line of each of its sessions so far. */
  private run: { ref: string; lines: Map<string, number> } | undefined;
  /** Placements whose rows have ended: one coming back means the file is not grouped by placement. */
  private readonly ended = new Set<string>();
  private grouped = true;
  private readonly ref: number;
  private readonly date: number;
  private readonly code: number;
  private readonly session: number;
  private readonly recordedAt: number;
  private readonly received: (canonical: string) => boolean;
  private readonly receivedAt: string;
  private readonly scope: ImportContext['placementScope'];

  constructor(
    private readonly client: PoolClient,
    columns: ColumnDef[],
    ctx: ImportContext,
  ) {
    // values[0] is the line; a column's value is at its index + 1
    const at = (name: string) => columns.findIndex((c) => c.name === name) + 1;
    this.ref = at('placement_ref');
    this.date = at('date');
    this.code = at('code');
    this.session = at('session');
    this.recordedAt = at('recorded_at');
    this.receivedAt = ctx.now;
    this.scope = ctx.placementScope;
    this.received = notLaterThan(new Date(ctx.now));
  }

  private needsLoad(rows: (string | null)[][]): boolean {
    if (this.codes === undefined) return true;
    if (this.loadedAll) return false;
    return rows.some((r) => !this.placements.has(r[this.ref] as string));
  }

  async prepare(rows: (string | null)[][], pause: () => Promise<void>): Promise<void> {
    if (!this.needsLoad(rows)) return;
    await pause();
    if (this.codes === undefined) {
      const found = await this.client.query<{ code: string }>('SELECT code FROM attendance_code');
      this.codes = new Set(found.rows.map((r) => r.code));
    }
    if (this.lookedUp) {
      await this.loadPlacements(null);
      this.loadedAll = true;
      return;
    }
    this.lookedUp = true;
    const refs = [...new Set(rows.map((r) => r[this.ref] as string))].filter((r) => !this.placements.has(r));
    if (refs.length > 0) await this.loadPlacements(refs);
  }

  private async loadPlacements(refs: string[] | null): Promise<void> {
    const found = await this.client.query<{
      ref: string;
      id: string;
      start: string;
      end: string | null;
      authority_id: number;
      outside: string | null;
    }>(
      `SELECT pl.placement_ref AS ref, pl.id::text AS id, pl.start_date::text AS start,
         pl.end_date::text AS end, pu.authority_id,
         ${this.scope ? `CASE WHEN ${this.scope.outside} THEN ${this.scope.reason} END` : 'NULL::text'} AS outside
       FROM placement pl JOIN pupil pu ON pu.id = pl.pupil_id JOIN authority a ON a.id = pu.authority_id
       WHERE $1::text[] IS NULL OR pl.placement_ref = ANY ($1::text[])`,
      [refs],
    );
    const mine = found.rows.filter((r) => r.outside === null);
    await this.loadAuthorities([...new Set(mine.map((r) => r.authority_id))]);
    for (const r of found.rows) {
      if (r.outside !== null) {
        this.placements.set(r.ref, { outside: r.outside });
        continue;
      }
      const authority = this.authorities.get(r.authority_id) as AuthorityCalendar;
      this.placements.set(r.ref, { id: r.id, start: r.start, end: r.end, authority });
    }
    for (const ref of refs ?? []) if (!this.placements.has(ref)) this.placements.set(ref, null);
  }

  private async loadAuthorities(ids: number[]): Promise<void> {
    const missing = ids.filter((id) => !this.authorities.has(id));
    if (missing.length === 0) return;
    const found = await this.client.query<{ id: number; la_code: string }>(
      'SELECT id, la_code FROM authority WHERE id = ANY ($1::integer[])',
      [missing],
    );
    for (const a of found.rows) this.authorities.set(a.id, new AuthorityCalendar(a.la_code));
    const entries = await this.client.query<{
      authority_id: number;
      kind: string;
      start: string;
      end: string;
    }>(
      `SELECT authority_id, kind, start_date::text AS start, end_date::text AS end
       FROM calendar_entry WHERE authority_id = ANY ($1::integer[]) AND kind IN ('term', 'closure')`,
      [missing],
    );
    for (const e of entries.rows) {
      const calendar = this.authorities.get(e.authority_id) as AuthorityCalendar;
      (e.kind === 'term' ? calendar.terms : calendar.closures).push([e.start, e.end]);
    }
  }

  resolve(values: (string | null)[], report: ReportProblem): (string | null)[] | null {
    const ref = values[this.ref] as string;
    const code = values[this.code];
    const date = values[this.date] as string;
    // a reference never looked up is one the whole-table load did not find
    const placement = this.placements.get(ref) ?? null;
    let ok = true;
    if (placement === null) {
      report('placement_ref', ref, `placement ${ref} does not exist`);
      ok = false;
    } else if (placement.outside !== undefined) {
      report('placement_ref', ref, placement.outside);
      ok = false;
    }
    // a file without the code column takes the stored code (null here, filled in SQL)
    if (code !== null && !this.codes?.has(code)) {
      report('code', code, `unknown attendance code ${code} (see attendance-codes.csv)`);
      ok = false;
    }
    const recordedAt = values[this.recordedAt] as string;
    if (!this.received(recordedAt)) {
      report(
        'recorded_at',
        recordedAt,
        `recorded_at ${recordedAt} is later than the hub received the mark (${this.receivedAt}): a register cannot be taken in the future`,
      );
      ok = false;
    }
    if (placement === null || placement.outside !== undefined) return null;
    if (date < placement.start || (placement.end !== null && date > placement.end)) {
      report(
        'date',
        date,
        `${date} is outside placement ${ref} (${placement.start} to ${placement.end ?? 'open'})`,
      );
      ok = false;
    }
    const why = placement.authority.notSchoolDay(date);
    if (why !== null) {
      report('date', date, `${date} is not a school day in authority ${placement.authority.laCode} (${why})`);
      ok = false;
    }
    if (!ok || this.repeated(values, report)) return null;
    return [placement.id];
  }

  checkedDuplicates(): boolean {
    return this.grouped;
  }

  /** Reports a row whose placement, date and session an earlier row of its placement's run had. */
  private repeated(values: (string | null)[], report: ReportProblem): boolean {
    if (!this.grouped) return false;
    const ref = values[this.ref] as string;
    if (this.run?.ref !== ref) {
      if (this.run) this.ended.add(this.run.ref);
      if (this.ended.has(ref)) {
        this.grouped = false;
        this.run = undefined;
        this.ended.clear();
        return false;
      }
      this.run = { ref, lines: new Map() };
    }
    const date = values[this.date] as string;
    const session = values[this.session] as string;
    const first = this.run.lines.get(date + session);
    if (first !== undefined) {
      report(
        'placement_ref',
        `${ref} ${date} ${session}`,
        `the same placement_ref, date, session is on line ${first}`,
      );
      return true;
    }
    this.run.lines.set(date + session, Number(values[0]));
    return false;
  }
}
