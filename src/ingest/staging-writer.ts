import { once } from 'node:events';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { KindDefinition } from './kind-definition';

/** Rows of canonical text (line first) into the temp table `ingest_stage`. */
export interface StagingWriter {
  write(values: (string | null)[]): void;
  /** Hands buffered rows to the database, waiting while it is behind. */
  drain(): Promise<void>;
  /** Completes the load. */
  finish(): Promise<void>;
  /** After a failure: leaves the connection able to ROLLBACK, whatever state the load is in. */
  abort(): Promise<void>;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function stagingColumns(def: KindDefinition): string {
  return ['line', ...def.columns.map((c) => c.name)].map(quoteIdent).join(', ');
}

export function createStagingTableSql(def: KindDefinition): string {
  const columns = def.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
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

/** COPY FROM STDIN in text format, flushed in chunks, waiting on the socket so memory stays flat. */
class CopyWriter implements StagingWriter {
  private readonly stream;
  private chunk = '';

  constructor(client: PoolClient, def: KindDefinition) {
    this.stream = client.query(copyFrom(`COPY ingest_stage (${stagingColumns(def)}) FROM STDIN`));
  }

  write(values: (string | null)[]): void {
    let line = copyText(values[0]);
    for (let i = 1; i < values.length; i++) line += `\t${copyText(values[i])}`;
    this.chunk += `${line}\n`;
  }

  async drain(): Promise<void> {
    if (this.chunk.length === 0) return;
    const ok = this.stream.write(this.chunk);
    this.chunk = '';
    if (!ok) await once(this.stream, 'drain');
  }

  async finish(): Promise<void> {
    if (this.chunk) this.stream.write(this.chunk);
    this.chunk = '';
    const done = once(this.stream, 'finish');
    this.stream.end();
    await done;
  }

  async abort(): Promise<void> {
    this.chunk = '';
    if (this.stream.destroyed || this.stream.writableFinished) return;
    // Ending the COPY (rather than destroying it) keeps the protocol in step; the rows go with ROLLBACK.
    await this.finish().catch(() => undefined);
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
    const types = ['integer', ...def.columns.map((c) => c.type)];
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

  finish(): Promise<void> {
    return this.flush();
  }

  async abort(): Promise<void> {
    this.columns = this.columns.map(() => []);
  }
}
