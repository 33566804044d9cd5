import { KeepOptions, keepPoints } from '../indicators/points-keeper';
import type { Queryable } from '../indicators/queryable';
import { logger } from '../logger';

export interface PointsKeeperJob {
  /** Runs a pass now (or waits for the one under way); resolves when it ends. */
  runNow(): Promise<void>;
  /** Stops after the chunk under way; resolves when nothing is running. */
  stop(): Promise<void>;
}

export interface PointsKeeperOptions {
  /** Between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Before the first pass: the server's start and its first requests go first. */
  firstDelayMs?: number;
  /** One connection, so that requests keep the others (and on the embedded database, get theirs between chunks). */
  lanes?: number;
  chunkDays?: number;
  /** Which days and scopes (default: points-keeper.ts's). */
  keep?: Pick<KeepOptions, 'from' | 'to' | 'scopes'>;
}

/**
 * The server's keeper of stored series points (src/indicators/points-keeper.ts): a pass when the
 * server has started, then one every `intervalMs`. A pass computes only what is missing: after a day
 * has ended, that day's point per scope; after history was rewritten, every point again. A failed pass
 * is logged and the next one tries again: the points are a cache of what a series computes anyway.
 */
export function startPointsKeeper(db: Queryable, opts: PointsKeeperOptions): PointsKeeperJob {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const pass = async () => {
    const started = performance.now();
    try {
      const result = await keepPoints(db, {
        ...opts.keep,
        lanes: opts.lanes ?? 1,
        chunkDays: opts.chunkDays,
        signal: controller.signal,
      });
      if (result.computed > 0)
        logger.info(
          { ...result, ms: Math.round(performance.now() - started) },
          `stored ${result.computed} series points`,
        );
    } catch (err) {
      if (!controller.signal.aborted)
        logger.warn({ err }, 'keeping the series points failed; trying again later');
    }
  };
  const schedule = (ms: number) => {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => void runNow(), ms);
    timer.unref();
  };
  const runNow = async () => {
    if (!running) {
      clearTimeout(timer);
      running = pass().finally(() => {
        running = undefined;
        schedule(opts.intervalMs);
      });
    }
    await running;
  };
  schedule(opts.firstDelayMs ?? 60_000);
  return {
    runNow,
    async stop() {
      controller.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
