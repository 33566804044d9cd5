import { addDays, daysBetween, londonToday } from '../domain/dates';
import { MAX_SERIES_POINTS, seriesFigures } from './indicators.service';
import type { Queryable } from './queryable';
import { scopeKey, storedDays } from './series-points';

/**
 * Keeps a stored point (series-points.ts) for every day that has ended, per scope, so that a series
 * of any alignment (a chart ending today, a weekly series from any day) reads its points instead of
 * computing them: a year's weekly series computed from nothing takes 7 to 18 s on an authority of
 * 6,000 pupils, read from its points milliseconds (docs/performance.md). Run by the server in the
 * background (server/points-keeper.job.ts) and by `alp-hub keep-points`.
 *
 * Each day adds one point per scope; a back-load, an erasure or a change of attendance codes forgets
 * them all (series-points.ts), and the keeper computes them again: first the days a chart ending today
 * shows (today and every 7th day before it), then the others, the newest days of every scope first.
 * A point is stored only for a day that ended over a day ago (storable), so the last day the keeper
 * keeps is two days back; a series ending today computes its last one or two points itself.
 */

/** The days kept by default: those of the longest series (MAX_SERIES_POINTS weeks) ending on the last storable day. */
export function keptDays(today: string = londonToday()): { from: string; to: string } {
  const to = addDays(today, -2);
  return { from: addDays(to, -7 * (MAX_SERIES_POINTS - 1)), to };
}

/** How recently a scope must have been asked for to be kept besides every authority and each one alone. */
const ASKED_WITHIN_DAYS = 60;

/**
 * The scopes kept: every authority together (null), each authority alone, and any other set of
 * authorities a series was asked for in the last 60 days (noteScopeAsked).
 */
export async function keptScopes(db: Queryable): Promise<(string[] | null)[]> {
  const authorities: { la_code: string }[] = await db.query('SELECT la_code FROM authority ORDER BY la_code');
  const asked: { scope: string }[] = await db.query(
    `SELECT scope FROM indicator_scope WHERE asked_at > now() - make_interval(days => $1) ORDER BY scope`,
    [ASKED_WITHIN_DAYS],
  );
  const scopes = new Map<string, string[] | null>([['*', null]]);
  for (const a of authorities) scopes.set(a.la_code, [a.la_code]);
  for (const { scope } of asked) if (!scopes.has(scope)) scopes.set(scope, scope.split(','));
  return [...scopes.values()];
}

export interface KeepOptions {
  /** First and last day kept (default keptDays); days after the last storable one are skipped. */
  from?: string;
  to?: string;
  /** Default keptScopes. */
  scopes?: (string[] | null)[];
  /** Days computed together (one pass over the year's attendance for them all, then one store). */
  chunkDays?: number;
  /** Connections used at once (inLanes). */
  lanes?: number;
  /** Stops between chunks; what was stored stays. */
  signal?: AbortSignal;
  onChunk?: (progress: { scope: string; days: number; computed: number; missing: number }) => void;
  today?: string;
}

export interface KeepResult {
  scopes: number;
  /** Days in the range, per scope, that may be stored. */
  days: number;
  /** Points computed and stored now, over every scope. */
  computed: number;
  stopped: boolean;
}

/** Computes and stores every point of `opts`' days and scopes that is not stored yet (see the top). */
export async function keepPoints(db: Queryable, opts: KeepOptions = {}): Promise<KeepResult> {
  const today = opts.today ?? londonToday();
  const range = keptDays(today);
  const from = opts.from ?? range.from;
  const to = [opts.to ?? range.to, range.to].sort()[0];
  const days = daysBetween(from, to) + 1;
  const dates = Array.from({ length: Math.max(0, days) }, (_, i) => addDays(from, i));
  const scopes = opts.scopes ?? (await keptScopes(db));
  const chunkDays = Math.max(1, opts.chunkDays ?? 14);
  let computed = 0;
  const queues: Queue[] = [];
  for (const laCodes of scopes) {
    const stored = await storedDays(db, laCodes, dates);
    const missing = dates.filter((d) => !stored.has(d));
    // a chart ending today (the trends page, the reports) asks for today and every 7th day before it:
    // those days first, so that after a rewrite it is served from the store soonest
    const charted = missing.filter((d) => daysBetween(d, today) % 7 === 0);
    const isCharted = new Set(charted);
    // the other days in runs that take in the charted ones (stored by then, so read, not computed):
    // one pass over the year's attendance serves a whole run instead of the six days between two
    const runs = newestFirst(missing, chunkDays, 1).filter((run) => run.some((d) => !isCharted.has(d)));
    queues.push({
      laCodes,
      chunks: [
        ...newestFirst(charted, chunkDays, 7).map((days) => ({ days, step: 7, computes: days.length })),
        ...runs.map((days) => ({ days, step: 1, computes: days.filter((d) => !isCharted.has(d)).length })),
      ],
      missing: missing.length,
      done: 0,
    });
  }
  // a chunk of each scope in turn, the charted chunks (step 7) of every scope before the runs (step 1):
  // after a rewrite every scope gets its charts back first
  for (const phase of [7, 1]) {
    while (queues.some((q) => q.chunks[0]?.step === phase)) {
      for (const q of queues) {
        const chunk = q.chunks[0];
        if (chunk?.step !== phase) continue;
        q.chunks.shift();
        if (opts.signal?.aborted)
          return { scopes: scopes.length, days: dates.length, computed, stopped: true };
        // reads the store again (and its time): a chunk stores what it computed unless history was rewritten meanwhile
        await seriesFigures(db, q.laCodes, chunk.days, chunk.step, opts.lanes);
        computed += chunk.computes;
        q.done += chunk.computes;
        opts.onChunk?.({
          scope: scopeKey(q.laCodes),
          days: chunk.computes,
          computed: q.done,
          missing: q.missing,
        });
      }
    }
  }
  return { scopes: scopes.length, days: dates.length, computed, stopped: false };
}

/** Days computed together, `step` days apart (one pass over the year's attendance for them all). */
interface Chunk {
  days: string[];
  step: number;
  /** How many of `days` it computes: the others were stored by an earlier chunk. */
  computes: number;
}

interface Queue {
  laCodes: string[] | null;
  chunks: Chunk[];
  missing: number;
  done: number;
}

/**
 * `dates` (ascending) cut into runs of days `step` apart of at most `size`, each run ascending, the
 * newest run first: the points of this academic year are the ones asked for most.
 */
function newestFirst(dates: string[], size: number, step: number): string[][] {
  const runs: string[][] = [];
  for (const d of [...dates].reverse()) {
    const run = runs[runs.length - 1];
    if (run && run.length < size && addDays(run[0], -step) === d) run.unshift(d);
    else runs.push([d]);
  }
  return runs;
}
