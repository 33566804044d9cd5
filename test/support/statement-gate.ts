import { Client } from 'pg';
import type { Database } from '../../src/db/database';

/**
 * Holds back the first statement (on any pg client) whose text holds `fragment` until `release()`:
 * `reached` settles when it is sent, so a test can act between an import's checks and its merge.
 * `restore()` puts pg back as it was; call it in a `finally`.
 */
export function holdStatement(fragment: string): {
  reached: Promise<void>;
  release: () => void;
  restore: () => void;
} {
  let arrived!: () => void;
  const reached = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const query = Client.prototype.query;
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
    this: Client,
    ...args: unknown[]
  ) {
    if (typeof args[0] === 'string' && args[0].includes(fragment)) {
      arrived();
      return gate.then(() => (query as (...a: unknown[]) => unknown).apply(this, args));
    }
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query);
  return {
    reached,
    release,
    restore: () => {
      release();
      spy.mockRestore();
    },
  };
}

/**
 * Resolves once `work` has settled or is waiting for an advisory lock (the imports' and erasures'
 * lock, src/records/erasure-lock.ts): then it is known to have got as far as that lock.
 */
export async function untilWaitingOrDone(db: Database, work: Promise<unknown>): Promise<void> {
  let done = false;
  work.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  while (!done) {
    const waiting = await db.dataSource.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
    );
    if (waiting.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
