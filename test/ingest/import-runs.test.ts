import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { localAdministrator } from '../../src/auth/principal';
import { IngestError, importFile, importRecords, submitAttendance } from '../../src/ingest';
import { finishImportRun, listImportRuns } from '../../src/ingest/import-run.service';
import { startTestApi, TestApi } from '../support/api-server';
import { CliEnvironment, createCliEnvironment } from '../support/cli';
import { BASE } from './ingest-fixtures';

// an administrator other than the default one, so that each run's principal can be told apart
const officer = localAdministrator('Officer Test');
const governor = { ...localAdministrator('Governor Test'), role: 'governor' as const, aggregatesOnly: true };

describe('import runs: every import is recorded, stored or not', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('records stored, rejected and failed imports, a register and a GraphQL upload, newest first', async () => {
    const db = api.db;
    const started = new Date();
    for (const [kind, text] of BASE) {
      const r = await importFile(
        db,
        officer,
        kind,
        { content: Buffer.from(text) },
        { fileName: `${kind}.csv` },
      );
      expect(r.errors).toEqual([]);
    }
    const rejected = await importFile(
      db,
      officer,
      'providers',
      { content: Buffer.from('provider_ref,name,on_framework,registered\nALP-9,X,maybe,no\n') },
      { fileName: 'bad-providers.csv' },
    );
    expect(rejected.errors).toHaveLength(1);
    await expect(
      importFile(
        db,
        officer,
        'providers',
        { content: Buffer.from('provider_ref,colour\n') },
        { fileName: 'odd.csv' },
      ),
    ).rejects.toBeInstanceOf(IngestError);
    const register = await submitAttendance(db, officer, {
      date: '2026-01-12',
      session: 'AM',
      marks: [{ placementRef: 'PL-1', code: '/' }],
    });
    const upload = await api.gql(
      `mutation($content: String!) { importFile(kind: PROVIDERS, filename: "providers-api.csv", content: $content) {
         accepted inserted runId } }`,
      { content: 'provider_ref,name,on_framework,registered\nALP-2,Second,yes,yes\n' },
    );
    expect(upload.errors).toBeUndefined();

    const runs = await listImportRuns(db, officer);
    expect(runs).toHaveLength(BASE.length + 4);
    expect(runs.map((r) => r.id)).toEqual([...runs.map((r) => r.id)].sort((a, b) => b - a));
    const [api_, reg, failed, bad, ...stored] = runs;
    expect(api_).toMatchObject({
      id: upload.data.importFile.runId,
      kind: 'providers',
      fileName: 'providers-api.csv',
      principalName: 'test-admin',
      outcome: 'stored',
      rows: 1,
      inserted: 1,
      updated: 0,
      unchanged: 0,
    });
    expect(reg).toMatchObject({
      id: register.runId,
      kind: 'attendance',
      fileName: null,
      principalName: 'Officer Test',
      principalRole: 'admin',
      outcome: 'stored',
      inserted: 1,
    });
    expect(failed).toMatchObject({
      fileName: 'odd.csv',
      outcome: 'failed',
      rows: null,
      message: expect.stringMatching(/^unknown column colour in a providers file/),
    });
    expect(bad).toMatchObject({
      id: rejected.runId,
      fileName: 'bad-providers.csv',
      outcome: 'rejected',
      rows: 1,
      inserted: 0,
      errors: 1,
    });
    expect(stored.map((r) => [r.kind, r.fileName, r.outcome]).reverse()).toEqual(
      BASE.map(([kind]) => [kind, `${kind}.csv`, 'stored']),
    );
    for (const r of runs) {
      expect(r.startedAt.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
      expect(r.finishedAt?.getTime()).toBeGreaterThanOrEqual(r.startedAt.getTime());
    }
  });

  it('is not for callers who see aggregates only, and bounds its page', async () => {
    await expect(listImportRuns(api.db, governor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(listImportRuns(api.db, officer, { limit: 0 })).rejects.toMatchObject({
      code: 'INGEST_BAD_REQUEST',
    });
    expect(await listImportRuns(api.db, officer, { limit: 2 })).toHaveLength(2);
  });

  it('records the name of a file uploaded over HTTP', async () => {
    const res = await request(api.base)
      .post('/imports')
      .set('authorization', `Bearer ${api.adminToken}`)
      .field('kind', 'providers')
      .attach(
        'file',
        Buffer.from('provider_ref,name,on_framework,registered\nALP-3,Third,yes,no\n'),
        'providers-http.csv',
      );
    expect(res.status).toBe(200);
    const [run] = await listImportRuns(api.db, officer, { limit: 1 });
    expect(run).toMatchObject({
      id: res.body.runId,
      kind: 'providers',
      fileName: 'providers-http.csv',
      principalName: 'test-admin',
      outcome: 'stored',
    });
  });

  it('ends a run once: an error after a stored import committed does not mark it failed', async () => {
    const stored = await importFile(
      api.db,
      officer,
      'providers',
      { content: Buffer.from('provider_ref,name,on_framework,registered\nALP-9,Ninth,yes,no\n') },
      { fileName: 'ninth.csv' },
    );
    await finishImportRun(api.db, stored.runId, new Error('the COMMIT acknowledgement was lost'));
    const [run] = await listImportRuns(api.db, officer, { limit: 1 });
    expect(run).toMatchObject({ id: stored.runId, outcome: 'stored', inserted: 1, message: null });
  });

  it('a connection that cannot be had: the file is closed, the runner released, the run failed', async () => {
    const ds = api.db.dataSource;
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const runner = ds.createQueryRunner();
    jest.spyOn(runner, 'connect').mockRejectedValue(refused);
    const release = jest.spyOn(runner, 'release');
    let opened = false;
    let closed = false;
    // the import's own runner is the first asked for once the file is open (the run's row is not)
    const createQueryRunner = ds.createQueryRunner.bind(ds);
    let handedOut = false;
    const create = jest.spyOn(ds, 'createQueryRunner').mockImplementation((mode) => {
      if (!opened || handedOut) return createQueryRunner(mode);
      handedOut = true;
      return runner;
    });
    async function* file() {
      opened = true;
      try {
        yield [{ line: 1, cells: ['provider_ref', 'name', 'on_framework', 'registered'] }];
        yield [{ line: 2, cells: ['ALP-8', 'Eighth', 'yes', 'yes'] }];
      } finally {
        closed = true;
      }
    }
    try {
      await expect(
        importRecords(api.db, officer, 'providers', file(), { fileName: 'refused.csv' }),
      ).rejects.toBe(refused);
    } finally {
      create.mockRestore();
    }
    expect(closed).toBe(true);
    expect(release).toHaveBeenCalled();
    const [run] = await listImportRuns(api.db, officer, { limit: 1 });
    expect(run).toMatchObject({ fileName: 'refused.csv', outcome: 'failed', message: refused.message });
  });
});

describe('npx alp-hub imports list', () => {
  let cli: CliEnvironment;
  let dir: string;
  beforeAll(async () => {
    cli = await createCliEnvironment();
    dir = mkdtempSync(path.join(os.tmpdir(), 'alp-hub-runs-'));
  });
  afterAll(async () => {
    await cli.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the CLI imports with the OS user, as JSON and as a table', async () => {
    expect((await cli.run('imports', 'list')).stdout).toBe('no imports yet');
    const file = path.join(dir, 'authorities.csv');
    writeFileSync(file, BASE[0][1]);
    expect((await cli.run('import', file)).exitCode).toBe(0);
    expect((await cli.run('import', file)).exitCode).toBe(0);
    const json = await cli.run('imports', 'list', '--json');
    expect(json.exitCode).toBe(0);
    const runs = JSON.parse(json.stdout);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({
      kind: 'authorities',
      fileName: 'authorities.csv',
      principalName: `os:${os.userInfo().username}`,
      outcome: 'stored',
      rows: 2,
      inserted: 0,
      unchanged: 2,
    });
    expect(runs[1]).toMatchObject({ inserted: 2, unchanged: 0 });
    expect(runs[0].id).toBeGreaterThan(runs[1].id);
    const table = await cli.run('imports', 'list', '--limit', '1');
    expect(table.stdout.split('\n')).toHaveLength(3);
    expect(table.stdout).toMatch(
      new RegExp(
        `^${runs[0].id}\\s+\\S+\\s+authorities\\s+authorities\\.csv\\s+os:${os.userInfo().username}\\s+stored\\s+2\\s+0\\s+0\\s+2`,
        'm',
      ),
    );
    // an undo has no file: it says whose undo it is
    expect((await cli.run('imports', 'revert', String(runs[1].id))).exitCode).toBe(0);
    const undone = await cli.run('imports', 'list', '--limit', '1');
    expect(undone.stdout).toMatch(new RegExp(`authorities\\s+\\(undo of ${runs[1].id}\\)\\s`));
  });
});
