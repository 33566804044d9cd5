import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Database } from '../../src/db/database';
import { importFile } from '../../src/ingest';
import { CsvRecords } from '../../src/ingest/csv-records';
import { listImportRuns } from '../../src/ingest/import-run.service';
import { startTestApi, TestApi } from '../support/api-server';
import { CliEnvironment, createCliEnvironment } from '../support/cli';
import { createTestDatabase } from '../support/database';
import { admin, BASE, importCsv } from './ingest-fixtures';

/**
 * Every way of importing writes one audit row per file (src/audit/import-audit.ts), in the import's
 * own transaction: the row and what the import stored commit together or not at all.
 */
const PROVIDERS =
  'provider_ref,name,on_framework,registered\nALP-1,Test Provider,yes,no\nALP-2,Second,yes,yes\n';

describe('the audit row of an import', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    for (const [kind, text] of BASE)
      expect((await importThroughApi(kind, `${kind}.csv`, text)).data.importFile.accepted).toBe(true);
  });
  afterAll(() => api.close());

  function importThroughApi(kind: string, filename: string, content: string) {
    return api.gql(
      `mutation($kind: ImportKind!, $filename: String!, $content: String!) {
         importFile(kind: $kind, filename: $filename, content: $content) { accepted inserted runId } }`,
      { kind: kind.toUpperCase(), filename, content },
    );
  }

  async function lastAudit(operation: string) {
    const [row] = await api.db.dataSource.query(
      `SELECT actor, role, action, subject_kind, subjects, subject_count, detail FROM audit_event
       WHERE operation = $1 ORDER BY id DESC LIMIT 1`,
      [operation],
    );
    return row;
  }

  it('a GraphQL upload, stored and rejected', async () => {
    expect((await importThroughApi('providers', 'providers-api.csv', PROVIDERS)).errors).toBeUndefined();
    expect(await lastAudit('mutation importFile')).toEqual({
      actor: 'test-admin',
      role: 'admin',
      action: 'import',
      subject_kind: 'providers',
      subjects: [],
      subject_count: 1,
      detail: { file: 'providers-api.csv', rows: 2, inserted: 1, updated: 0, unchanged: 1, rejectedRows: 0 },
    });
    const bad = 'provider_ref,name,on_framework,registered\nALP-1,Renamed,yes,no\nALP-9,X,maybe,no\n';
    const rejected = await importThroughApi('providers', 'bad.csv', bad);
    expect(rejected.data.importFile.accepted).toBe(false);
    expect(await lastAudit('mutation importFile')).toMatchObject({
      subject_count: 0,
      detail: { file: 'bad.csv', rows: 2, inserted: 0, updated: 0, unchanged: 0, rejectedRows: 1 },
    });
  });

  it('a register', async () => {
    const res = await api.gql(
      `mutation { submitAttendance(register: { date: "2026-01-12", session: AM, marks: [{ placementRef: "PL-1", code: "/" }] }) { inserted } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(await lastAudit('mutation submitAttendance')).toMatchObject({
      action: 'import',
      subject_kind: 'attendance',
      subject_count: 1,
      detail: { file: 'register', rows: 1, inserted: 1, updated: 0, unchanged: 0, rejectedRows: 0 },
    });
  });

  it('a file POSTed to /imports', async () => {
    const res = await request(api.base)
      .post('/imports')
      .set('authorization', `Bearer ${api.adminToken}`)
      .field('kind', 'providers')
      .attach('file', Buffer.from(PROVIDERS), 'providers-post.csv');
    expect(res.status).toBe(200);
    expect(await lastAudit('POST /imports')).toMatchObject({
      action: 'import',
      subject_kind: 'providers',
      subject_count: 0,
      detail: { file: 'providers-post.csv', rows: 2, inserted: 0, updated: 0, unchanged: 2, rejectedRows: 0 },
    });
  });
});

describe('an import and its audit row commit together', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    for (const [kind, text] of BASE) expect((await importCsv(db, kind, text)).errors).toEqual([]);
  });
  afterAll(() => db.close());

  /** Runs `act` while a trigger refuses `refused` rows of `table`. */
  async function refusing(table: string, refused: string, act: () => Promise<unknown>) {
    await db.dataSource.query(`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await db.dataSource.query(
      `CREATE TRIGGER test_refuse BEFORE INSERT ON ${table} FOR EACH ROW WHEN (${refused}) EXECUTE FUNCTION test_refuse()`,
    );
    try {
      return await act();
    } finally {
      await db.dataSource.query(`DROP TRIGGER test_refuse ON ${table}; DROP FUNCTION test_refuse()`);
    }
  }

  it('an audit row that cannot be written: nothing of the import is stored, and its run failed', async () => {
    const text = 'provider_ref,name,on_framework,registered\nALP-7,Seventh,yes,no\n';
    await refusing('audit_event', "NEW.action = 'import'", () =>
      expect(
        importFile(
          db,
          admin,
          'providers',
          { content: Buffer.from(text) },
          { audit: { operation: 'import' }, fileName: 'p7.csv' },
        ),
      ).rejects.toThrow('refused by the test'),
    );
    expect(await db.dataSource.query(`SELECT id FROM provider WHERE provider_ref = 'ALP-7'`)).toEqual([]);
    const [run] = await listImportRuns(db, admin, { limit: 1 });
    expect(run).toMatchObject({ fileName: 'p7.csv', outcome: 'failed' });
  });

  it('a back-load forgets the stored series points last in its transaction, whatever happens after COMMIT', async () => {
    // each forgetting in an import notes what the run's row says then; one after COMMIT fails, as if
    // the process died once the import committed
    await db.dataSource.query(`CREATE TABLE test_forget_seen (outcome text);
      CREATE FUNCTION test_forget_seen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('alp.import_run', true), '') = '' THEN RAISE EXCEPTION 'died'; END IF;
        INSERT INTO test_forget_seen
          SELECT outcome FROM import_run WHERE id = current_setting('alp.import_run')::integer;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_forget_seen BEFORE INSERT ON indicator_point_forget
        FOR EACH ROW EXECUTE FUNCTION test_forget_seen();`);
    try {
      const text = 'provider_ref,name,on_framework,registered\nALP-1,Renamed Provider,yes,no\n';
      const knownAt = new Date('2025-09-01T00:00:00Z');
      const result = await importFile(db, admin, 'providers', { content: Buffer.from(text) }, { knownAt });
      expect(result.updated).toBe(1);
      const seen = await db.dataSource.query('SELECT outcome FROM test_forget_seen');
      expect(seen.at(-1)).toEqual({ outcome: 'stored' });
    } finally {
      await db.dataSource.query(`DROP TRIGGER test_forget_seen ON indicator_point_forget;
        DROP FUNCTION test_forget_seen(); DROP TABLE test_forget_seen`);
    }
  });
});

describe('the audit rows of the CLI', () => {
  let cli: CliEnvironment;
  let dir: string;
  beforeAll(async () => {
    cli = await createCliEnvironment();
    dir = mkdtempSync(path.join(os.tmpdir(), 'alp-import-audit-'));
    writeFiles(dir, BASE);
  });
  afterAll(async () => {
    await cli.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function writeFiles(into: string, files: [string, string][]) {
    for (const [kind, text] of files) writeFileSync(path.join(into, `${kind}.csv`), text);
  }

  /** The audit's rows of imports, oldest first: operation, subject kind and count, detail. */
  async function importAudits() {
    const out = (await cli.run('audit', '--csv')).stdout;
    const records = new CsvRecords(1 << 20);
    const [header, ...rows] = [...records.push(`${out}\n`), ...records.end()].map((r) => r.cells);
    const at = (name: string) => header.indexOf(name);
    return rows
      .filter((r) => r[at('action')] === 'import')
      .map((r) => [
        r[at('operation')],
        r[at('subjectKind')],
        r[at('subjectCount')],
        JSON.parse(r[at('detail')]),
      ]);
  }

  it('one row per file of a folder and of a back-loaded file, with its known-at time', async () => {
    expect((await cli.run('import', dir)).exitCode).toBe(0);
    const file = path.join(dir, 'providers.csv');
    writeFileSync(file, PROVIDERS);
    expect((await cli.run('import', file, '--known-at', '2025-09-01T00:00:00Z')).exitCode).toBe(0);
    const audits = await importAudits();
    expect(audits).toHaveLength(BASE.length + 1);
    expect(audits).toContainEqual([
      'import',
      'pupils',
      '2',
      { file: 'pupils.csv', rows: 2, inserted: 2, updated: 0, unchanged: 0, rejectedRows: 0 },
    ]);
    expect(audits).toContainEqual([
      'import',
      'providers',
      '1',
      {
        file: 'providers.csv',
        rows: 2,
        inserted: 1,
        updated: 0,
        unchanged: 1,
        rejectedRows: 0,
        knownAt: '2025-09-01T00:00:00.000Z',
      },
    ]);
  });
});
