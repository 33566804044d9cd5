import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { londonToday } from '../../src/domain/dates';
import { revertImport } from '../../src/history/revert.service';
import { computeFlags } from '../../src/indicators/flags.service';
import { type ImportKind, importFile } from '../../src/ingest';
import { finishImportRun } from '../../src/ingest/import-run.service';
import { createTestDatabase } from '../support/database';
import { EXAMPLE, importAsHistory } from '../support/example';
import { testPrincipal } from '../support/principals';
import { holdStatement, untilWaitingOrDone } from '../support/statement-gate';

// finishImportRun as it is, but replaceable in one test (a connection lost after an import's COMMIT)
jest.mock('../../src/ingest/import-run.service', () => {
  const actual = jest.requireActual('../../src/ingest/import-run.service');
  return { ...actual, finishImportRun: jest.fn(actual.finishImportRun) };
});

const admin = localAdministrator('revert-test');
const DATES = ['2026-03-02', '2026-11-03'];

const flagsAt = async (db: Database, asOf: string) =>
  (await computeFlags(db.dataSource, admin, { asOf })).map((f) => `${f.code} ${f.subjectKey} ${f.reason}`);

async function allFlags(db: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const d of [...DATES, londonToday()]) out[d] = await flagsAt(db, d);
  return out;
}

function imp(db: Database, kind: ImportKind, text: string) {
  return importFile(db, admin, kind, { content: Buffer.from(text) });
}

/** A school's wrong pupils file: everybody off roll, and a new pupil that does not exist. */
function wrongPupils(): string {
  const [header, ...rows] = readFileSync(path.join(EXAMPLE, 'pupils.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  const urn = cols.indexOf('school_urn');
  const offRoll = rows.map((r) => {
    const cells = r.split(',');
    cells[urn] = '';
    return cells.join(',');
  });
  return [header, ...offRoll, 'A802200099999,Made,Up,2012-01-01,802,,,,,,'].join('\n');
}

describe('undoing an import', () => {
  let db: Database;
  let before: Record<string, string[]>;
  beforeEach(async () => {
    db = await createTestDatabase({ history: 'as received' });
    await importAsHistory(db, admin);
    before = await allFlags(db);
  });
  afterEach(() => db.close());

  it('restores exactly the flags of before the import, and keeps the import in the history', async () => {
    const wrong = await imp(db, 'pupils', wrongPupils());
    expect(wrong.errors).toEqual([]);
    const today = londonToday();
    const during = await flagsAt(db, today);
    expect(during).not.toEqual(before[today]);

    const undo = await revertImport(db, admin, wrong.runId);
    expect(undo).toMatchObject({ reverted: wrong.runId, kind: 'pupils', deleted: 1, restored: 11 });
    expect(await allFlags(db)).toEqual(before);
    // the history keeps both: the wrong version and the restored one after it
    const [versions] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE v_run = $1)::int AS wrong, count(*) FILTER (WHERE v_run = $2)::int AS undo
       FROM pupil_version`,
      [wrong.runId, undo.runId],
    );
    expect(versions).toEqual({ wrong: 12, undo: 12 });
    await expect(revertImport(db, admin, wrong.runId)).rejects.toThrow(/already undone/);
  });

  it('undoes attendance: a correction goes back to the mark it replaced, a new mark goes', async () => {
    const header = 'placement_ref,date,session,code,recorded_at\n';
    const fix = await imp(db, 'attendance', `${header}PL-0001,2026-04-13,AM,B,\nPL-0001,2026-11-09,AM,B,\n`);
    expect(fix).toMatchObject({ errors: [], inserted: 1, updated: 1 });
    const undo = await revertImport(db, admin, fix.runId);
    expect(undo).toMatchObject({ deleted: 1, restored: 1 });
    const current = await db.dataSource.query(
      `SELECT a.session_date, a.code FROM attendance a JOIN placement p ON p.id = a.placement_id
       WHERE p.placement_ref = 'PL-0001' AND a.session = 'AM' AND a.session_date IN ('2026-04-13', '2026-11-09')
         AND a.superseded_at IS NULL`,
    );
    expect(current).toEqual([{ session_date: '2026-04-13', code: 'N' }]);
    expect(await allFlags(db)).toEqual(before);
  });

  it('is refused where a later import changed the same records, unless forced', async () => {
    const first = await imp(db, 'providers', 'provider_ref,registered\nALP-000,yes\n');
    const second = await imp(db, 'providers', 'provider_ref,name\nALP-000,Provider Renamed\n');
    expect([first.errors, second.errors]).toEqual([[], []]);
    await expect(revertImport(db, admin, first.runId)).rejects.toThrow(
      /changed again later .*in import \d+.*--force/,
    );
    await revertImport(db, admin, first.runId, { force: true });
    expect(await allFlags(db)).toEqual(before);
    const [p] = await db.dataSource.query(
      `SELECT name, registered FROM provider WHERE provider_ref = 'ALP-000'`,
    );
    expect(p).toEqual({ name: 'Provider 0', registered: false });
  });

  it('undoes an import once the later import that changed the same records was undone', async () => {
    const first = await imp(db, 'providers', 'provider_ref,registered\nALP-000,yes\n');
    const second = await imp(db, 'providers', 'provider_ref,name\nALP-000,Provider Renamed\n');
    await revertImport(db, admin, second.runId);
    await revertImport(db, admin, first.runId);
    const [p] = await db.dataSource.query(
      `SELECT name, registered FROM provider WHERE provider_ref = 'ALP-000'`,
    );
    expect(p).toEqual({ name: 'Provider 0', registered: false });
    expect(await allFlags(db)).toEqual(before);

    const header = 'placement_ref,date,session,code,recorded_at\n';
    const mark = await imp(db, 'attendance', `${header}PL-0001,2026-11-10,AM,/,2026-11-10T09:00:00Z\n`);
    const fix = await imp(db, 'attendance', `${header}PL-0001,2026-11-10,AM,N,2026-11-10T12:00:00Z\n`);
    expect([mark.inserted, fix.updated]).toEqual([1, 1]);
    await revertImport(db, admin, fix.runId);
    await expect(revertImport(db, admin, mark.runId)).resolves.toMatchObject({ deleted: 1, restored: 0 });
    expect(
      await db.dataSource.query(
        `SELECT a.code FROM attendance a JOIN placement p ON p.id = a.placement_id
         WHERE p.placement_ref = 'PL-0001' AND a.session_date = '2026-11-10' AND a.superseded_at IS NULL`,
      ),
    ).toEqual([]);
  });

  it('is refused where a later import built on a record it added', async () => {
    const pupil = await imp(
      db,
      'pupils',
      'upn,first_name,last_name,date_of_birth,la_code\nA802200099999,Made,Up,2012-01-01,802\n',
    );
    const placement = await imp(
      db,
      'placements',
      'placement_ref,upn,provider_ref,type,start_date,hours_per_week\nPL-NEW,A802200099999,ALP-000,part_time,2026-11-02,10\n',
    );
    expect([pupil.errors, placement.errors]).toEqual([[], []]);
    await expect(revertImport(db, admin, pupil.runId)).rejects.toThrow(/undo the later import first/);
    await revertImport(db, admin, placement.runId);
    await revertImport(db, admin, pupil.runId);
    expect(await allFlags(db)).toEqual(before);
  });

  it('two undos of one import at once: one undoes it, the other is refused as already undone', async () => {
    const run = await imp(
      db,
      'providers',
      'provider_ref,name,on_framework,registered\nALP-000,Provider Renamed,Y,no\nALP-NEW,New Provider,yes,no\n',
    );
    expect(run.errors).toEqual([]);
    const outcomes = await Promise.allSettled([
      revertImport(db, admin, run.runId),
      revertImport(db, admin, run.runId),
    ]);
    const done = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ reverted: run.runId, deleted: 1, restored: 1 });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      code: 'INGEST_BAD_REQUEST',
      message: `import ${run.runId} is already undone (by ${done[0].runId})`,
    });
    const runs = await db.dataSource.query(`SELECT outcome FROM import_run WHERE reverts = $1 ORDER BY id`, [
      run.runId,
    ]);
    expect(runs.map((r: { outcome: string }) => r.outcome).sort()).toEqual(['failed', 'stored']);
    expect(await allFlags(db)).toEqual(before);
  });

  it('refuses to undo an undo, which could not bring back what it deleted', async () => {
    const run = await imp(db, 'pupils', wrongPupils());
    const undo = await revertImport(db, admin, run.runId);
    await expect(revertImport(db, admin, undo.runId)).rejects.toThrow(
      new RegExp(`import ${undo.runId} is the undo of import ${run.runId}, which cannot be undone`),
    );
  });

  // the embedded database runs one transaction at a time: an undo cannot run inside an import there
  (process.env.DATABASE_URL ? it : it.skip)(
    'waits for an import running, which then stores its rows; the undo is then refused, not silent',
    async () => {
      const upn = 'M802200099001';
      const added = await imp(
        db,
        'pupils',
        `upn,first_name,last_name,date_of_birth,la_code\n${upn},Ida,Waits,2011-02-03,802\n`,
      );
      expect(added.errors).toEqual([]);
      const merge = holdStatement('INSERT INTO placement (placement_ref');
      let undo: Promise<unknown> = Promise.resolve();
      try {
        const placed = imp(
          db,
          'placements',
          `placement_ref,upn,provider_ref,type,start_date,hours_per_week\nPL-WAIT,${upn},ALP-000,part_time,2026-09-07,10\n`,
        );
        await merge.reached;
        undo = revertImport(db, admin, added.runId);
        undo.catch(() => undefined);
        await untilWaitingOrDone(db, undo);
        merge.release();
        expect(await placed).toMatchObject({ errors: [], inserted: 1, unchanged: 0 });
      } finally {
        merge.restore();
      }
      await expect(undo).rejects.toMatchObject({ code: 'INGEST_CONFLICT' });
      expect(await db.dataSource.query(`SELECT 1 FROM pupil WHERE upn = $1`, [upn])).toHaveLength(1);
    },
  );

  it('is for administrators, and only of an import that stored something', async () => {
    const officer = testPrincipal('la_officer', { authorities: ['802'] });
    const run = await imp(db, 'providers', 'provider_ref,registered\nALP-000,yes\n');
    await expect(revertImport(db, officer, run.runId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const rejected = await imp(db, 'providers', 'provider_ref,registered\nALP-000,perhaps\n');
    expect(rejected.errors.length).toBe(1);
    await expect(revertImport(db, admin, rejected.runId)).rejects.toThrow(/stored nothing/);
    await expect(revertImport(db, admin, 999_999)).rejects.toThrow(/there is no import 999999/);
  });

  it('records a stored import as stored in its own commit: a run whose end was never written after it is still undone', async () => {
    // as if the connection were lost between the import's COMMIT and the run's end being written
    const lost = jest.mocked(finishImportRun);
    lost.mockClear();
    lost.mockResolvedValueOnce(undefined).mockResolvedValueOnce(undefined);
    const run = await imp(db, 'pupils', wrongPupils());
    expect(run.errors).toEqual([]);
    const undo = await revertImport(db, admin, run.runId);
    expect(lost).toHaveBeenCalledTimes(2);
    const rows = await db.dataSource.query(
      `SELECT id, outcome, rows, inserted, updated, unchanged, errors, finished_at IS NOT NULL AS finished
       FROM import_run WHERE id = ANY ($1) ORDER BY id`,
      [[run.runId, undo.runId]],
    );
    expect(rows).toEqual([
      {
        id: run.runId,
        outcome: 'stored',
        rows: 13,
        inserted: 1,
        updated: 11,
        unchanged: 1,
        errors: 0,
        finished: true,
      },
      {
        id: undo.runId,
        outcome: 'stored',
        rows: 12,
        inserted: 0,
        updated: 12,
        unchanged: 0,
        errors: 0,
        finished: true,
      },
    ]);
    expect(await allFlags(db)).toEqual(before);
    // and the undo, recorded the same way, cannot be done twice
    await expect(revertImport(db, admin, run.runId)).rejects.toThrow(/already undone/);
  });
});
