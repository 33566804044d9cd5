import { createHash } from 'node:crypto';
import { addDays, londonToday } from '../domain/dates';
import type { TransactionSql } from '../history/change-context';
import { DEFAULT_SETTINGS } from '../settings/settings.definitions';
import {
  ATTENDANCE_SQL,
  DESTINATIONS_SQL,
  PLACEMENT_LENGTH_SQL,
  POPULATION_TOTAL_SQL,
} from './aggregates/aggregates.sql';
import type { HeadlineFigures } from './indicators.service';
import type { Queryable } from './queryable';
import { FLAG_DEFINITIONS, familyStatement, groupByFamily } from './registry';
import { STEPPED_YEAR_RATES_SQL } from './year-rates';

/**
 * Stored points of the weekly series (migration IndicatorPoints). What the hub knew at the end of a
 * day never changes afterwards (a change is known from when it arrives), so a point as of a day that
 * has ended is computed once, for its scope, and read from then on; the series then computes only the
 * points it has not stored, typically this week's. Rewriting history (a back-load, an erasure, a change
 * of attendance codes) forgets every point: by triggers, and by `forgetIndicatorPoints` after the
 * commit of the services that do it.
 *
 * What is stored are the statements' results before disclosure control, so every caller of the scope
 * shares a point and gets their own suppression. A point is stored only for a day that ended over a day
 * before it was computed: a change in a transaction still open at the end of the day would otherwise be
 * missing from it for ever.
 */
export interface PointFigures extends HeadlineFigures {
  /** Flags raised, by code. */
  flags: Record<string, number>;
}

/** The key of a scope: its LA codes in order, or `*` for every authority. */
export function scopeKey(laCodes: string[] | null): string {
  return laCodes === null ? '*' : [...laCodes].sort().join(',');
}

let fingerprint: string | undefined;

/**
 * A fingerprint of everything a point is computed from besides the data: the statements and the
 * default settings. A point computed by other rules is not read.
 */
export function rulesFingerprint(): string {
  if (!fingerprint) {
    const hash = createHash('sha256');
    for (const [family, defs] of groupByFamily(FLAG_DEFINITIONS))
      for (const given of [false, true])
        hash.update(familyStatement(family, defs, { givenYearRates: given, countOnly: true }));
    for (const sql of [
      POPULATION_TOTAL_SQL,
      ATTENDANCE_SQL,
      PLACEMENT_LENGTH_SQL,
      DESTINATIONS_SQL,
      STEPPED_YEAR_RATES_SQL,
    ])
      hash.update(sql);
    hash.update(JSON.stringify(DEFAULT_SETTINGS));
    fingerprint = hash.digest('hex').slice(0, 32);
  }
  return fingerprint;
}

/** Whether a point as of `date` may be stored: its day ended more than a day ago. */
export function storable(date: string, today: string = londonToday()): boolean {
  return date < addDays(today, -1);
}

/** The points a series may read: $1 the scope, $2 the dates, $3 the rules' fingerprint. */
const READABLE = `scope = $1 AND as_of = ANY ($2::date[]) AND rules = $3 AND computed_at > alp_points_forgotten_at()`;

/** Which of `dates` have a point stored for the scope that a series would read (readPoints). */
export async function storedDays(
  db: Queryable,
  laCodes: string[] | null,
  dates: string[],
): Promise<Set<string>> {
  const rows: { as_of: string }[] = await db.query(
    `SELECT as_of::text AS as_of FROM indicator_point WHERE ${READABLE}`,
    [scopeKey(laCodes), dates, rulesFingerprint()],
  );
  return new Set(rows.map((r) => r.as_of));
}

/**
 * The stored points of `dates` for the scope, and the database's time when they were read: a point
 * computed from now on is stored with that time, and only if history was not rewritten since.
 */
export async function readPoints(
  db: Queryable,
  laCodes: string[] | null,
  dates: string[],
): Promise<{ stored: Map<string, PointFigures>; startedAt: string }> {
  const [row]: { started_at: string; points: { asOf: string; figures: PointFigures }[] }[] = await db.query(
    `SELECT clock_timestamp()::text AS started_at,
            (SELECT coalesce(json_agg(json_build_object('asOf', as_of::text, 'figures', figures)), '[]')
             FROM indicator_point WHERE ${READABLE}) AS points`,
    [scopeKey(laCodes), dates, rulesFingerprint()],
  );
  return {
    stored: new Map(row.points.map((p) => [p.asOf, p.figures])),
    startedAt: row.started_at,
  };
}

/** Stores the points whose day has ended (see storable), computed from data read after `startedAt`. */
export async function storePoints(
  db: Queryable,
  laCodes: string[] | null,
  points: { asOf: string; figures: PointFigures }[],
  startedAt: string,
): Promise<void> {
  const today = londonToday();
  const kept = points.filter((p) => storable(p.asOf, today));
  if (!kept.length) return;
  await db.query(
    `INSERT INTO indicator_point (scope, as_of, rules, figures, computed_at)
     SELECT $1, (p->>'asOf')::date, $3, p->'figures', $4::timestamptz
     FROM jsonb_array_elements($2::jsonb) AS p
     WHERE $4::timestamptz > alp_points_forgotten_at()
     ON CONFLICT (scope, as_of) DO UPDATE
       SET rules = excluded.rules, figures = excluded.figures, computed_at = excluded.computed_at`,
    [scopeKey(laCodes), JSON.stringify(kept), rulesFingerprint(), startedAt],
  );
}

/**
 * Notes that a series was asked for the scope, for the keeper (points-keeper.ts), at most once an
 * hour per scope so that a busy trends page does not write on every view.
 */
export async function noteScopeAsked(db: Queryable, laCodes: string[] | null): Promise<void> {
  await db.query(
    `INSERT INTO indicator_scope (scope) VALUES ($1)
     ON CONFLICT (scope) DO UPDATE SET asked_at = now()
     WHERE indicator_scope.asked_at < now() - interval '1 hour'`,
    [scopeKey(laCodes)],
  );
}

/**
 * Forgets every stored point. A change that rewrote history calls it after it committed: a point
 * computed while it ran saw the data before it. An import calls it as well as the last statement of
 * its transaction, so that a back-load is never committed without it.
 */
export async function forgetIndicatorPoints(db: TransactionSql): Promise<void> {
  await db.query('SELECT alp_forget_indicator_points()');
}
