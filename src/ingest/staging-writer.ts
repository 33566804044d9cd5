import { PoolClient } from 'pg';
import { CopyStreamQuery, from as copyFrom } from 'pg-copy-streams';
import { KindDefinition, stagedColumns } from './kind-definition';

/** Rows of canonical text (line first) into the temp table `ingest_stage`. */
export interface StagingWriter {
  write(values: (string | null)[]): void;
  /** Hands buffered rows to the database, waiting while it is behind. */
  drain(): Promise<void>;
  /**
   * Lets the connection run a query (a lookup) between batches: a COPY in progress holds it, so the
   * COPY is completed here and the next write starts another.
   */
  pause(): Promise<void>;
  /** Completes the load. */
  finish(): Promise<void>;
  /** After a failure: leaves the connection able to ROLLBACK, whatever state the load is in. */
  abort(): Promise<void>;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function stagingColumns(def: KindDefinition): string {
  return ['line', ...stagedColumns(def).map((c) => c.name)].map(quoteIdent).join(', ');
}

export function createStagingTableSql(def: KindDefinition): string {
  const columns = stagedColumns(def)
    .map((c) => `${quoteIdent(c.name)} ${c.type}`)
    .join(', ');
  return `CREATE TEMP TABLE ingest_stage (line integer NOT NULL, ${columns}) ON COMMIT DROP`;
}

export function openStagingWriter(client: PoolClient, def: KindDefinition, embedded: boolean): StagingWriter {
  return embedded ? new UnnestWriter(client, def) : new CopyWriter(client, def);
}

const COPY_SPECIAL = /[\\\t\n\r]/;

function copyText(v: string | null): string {
  if (v === null) return '\\N';
  if (!COPY_SPECIAL.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** One staged row as a line of COPY text format (tab separated, `\\N` for null, newline ended). */
export function copyRow(values: (string | null)[]): string {
  let line = copyText(values[0]);
  for (let i = 1; i < values.length; i++) line += `\t${copyText(values[i])}`;
  return `${line}\n`;
}

/**
 * COPY FROM STDIN in text format, flushed in chunks, waiting on the socket so memory stays flat.
 *
 * When the connection dies mid-COPY (a server restart, a terminated backend), pg reports it once, as
 * an 'error' on the stream, possibly while nothing is waiting on it; after that no 'drain' or 'finish'
 * ever comes. So the first error is kept and every wait checks it, or a wait would never settle and
 * Node, with nothing left to do, would exit 0 as if the import had finished.
 */
class CopyWriter implements StagingWriter {
  private readonly sql: string;
  /** The COPY in progress; started by the first write after construction or a pause. */
  private stream: CopyStreamQuery | undefined;
  private chunk = '';
  /** The first error of any COPY of this writer, or of the connection under it. */
  private failure: Error | undefined;
  private readonly detach: () => void;

  constructor(
    private readonly client: PoolClient,
    def: KindDefinition,
  ) {
    this.sql = `COPY ingest_stage (${stagingColumns(def)}) FROM STDIN`;
    const onError = (err: Error) => {
      this.failure ??= err;
    };
    const onEnd = () => {
      this.failure ??= new Error('the database connection closed during the import');
    };
    client.on('error', onError);
    client.once('end', onEnd);
    this.detach = () => {
      client.off('error', onError);
      client.off('end', onEnd);
    };
  }

  write(values: (string | null)[]): void {
    this.chunk += copyRow(values);
  }

  private open(): CopyStreamQuery {
    if (this.failure) throw this.failure;
    if (!this.stream) {
      const stream = this.client.query(copyFrom(this.sql));
      stream.on('error', (err: Error) => {
        this.failure ??= err;
      });
      this.stream = stream;
    }
    return this.stream;
  }

  /** Resolves on `event` of the stream; rejects on the stream's or the connection's first failure. */
  private until(stream: CopyStreamQuery, event: 'drain' | 'finish'): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const done = (err?: Error) => {
        stream.off(event, ok);
        stream.off('error', fail);
        this.client.off('error', fail);
        this.client.off('end', ended);
        if (err) reject(err);
        else resolve();
      };
      const ok = () => done();
      const fail = (err: Error) => done(this.failure ?? err);
      const ended = () => done(this.failure ?? new Error('the database connection closed during the import'));
      stream.once(event, ok);
      stream.once('error', fail);
      this.client.once('error', fail);
      this.client.once('end', ended);
    });
  }

  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.chunk.length === 0) return;
    const stream = this.open();
    const ok = stream.write(this.chunk);
    this.chunk = '';
    if (!ok) await this.until(stream, 'drain');
  }

  async pause(): Promise<void> {
    await this.drain();
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    const done = this.until(stream, 'finish');
    stream.end();
    await done;
  }

  async finish(): Promise<void> {
    try {
      await this.pause();
    } finally {
      this.detach();
    }
  }

  async abort(): Promise<void> {
    this.chunk = '';
    const stream = this.stream;
    this.stream = undefined;
    try {
      // A dead connection has nothing to keep in step: ending its COPY would wait forever.
      if (this.failure || !stream || stream.destroyed || stream.writableFinished) return;
      // Ending the COPY (rather than destroying it) keeps the protocol in step; the rows go with ROLLBACK.
      const done = this.until(stream, 'finish');
      stream.end();
      await done.catch(() => undefined);
    } finally {
      this.detach();
    }
  }
}

const BATCH_ROWS = 5_000;

/** The embedded server has no COPY: batches of INSERT ... SELECT FROM unnest(one array per column). */
class UnnestWriter implements StagingWriter {
  private readonly sql: string;
  private columns: (string | null)[][];

  constructor(
    private readonly client: PoolClient,
    def: KindDefinition,
  ) {
    const types = ['integer', ...stagedColumns(def).map((c) => c.type)];
    const args = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    this.sql = `INSERT INTO ingest_stage (${stagingColumns(def)}) SELECT * FROM unnest(${args})`;
    this.columns = types.map(() => []);
  }

  write(values: (string | null)[]): void {
    for (let i = 0; i < values.length; i++) this.columns[i].push(values[i]);
  }

  async drain(): Promise<void> {
    if (this.columns[0].length >= BATCH_ROWS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.columns[0].length === 0) return;
    const batch = this.columns;
    this.columns = batch.map(() => []);
    await this.client.query(this.sql, batch);
  }

  /** Holds nothing between batches: each flush is its own statement. */
  async pause(): Promise<void> {}

  finish(): Promise<void> {
    return this.flush();
  }

  async abort(): Promise<void> {
    this.columns = this.columns.map(() => []);
  }
}
