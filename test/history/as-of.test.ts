import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { VERSIONED_TABLES } from '../../migrations/1765500000000-RecordVersions';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { withAsOf } from '../../src/history/as-of';
import { computeFlags } from '../../src/indicators/flags.service';
import { type ImportKind, importFile } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { EXAMPLE, importAsHistory } from '../support/example';

const admin = localAdministrator('history-test');
/** The changes arrive on 4 November 2026, between the example's second date and the day after. */
const CHANGED_AT = new Date('2026-11-04T12:00:00Z');
const BEFORE = '2026-11-03';
const AFTER = '2026-11-04';

function exampleRows(kind: ImportKind): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parse(readFileSync(path.join(EXAMPLE, `${kind}.csv`), 'utf8')) as string[][];
  return { header, rows };
}

/** The example's first row of a kind with one column changed: a file every kind can take as an update. */
function changed(kind: ImportKind, column: string, value: string, row = 0): string {
  const { header, rows } = exampleRows(kind);
  const i = header.indexOf(column);
  if (i < 0) throw new Error(`${kind} has no column ${column}`);
  const cells = [...rows[row]];
  cells[i] = value;
  return `${header.join(',')}\n${cells.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')}\n`;
}

/** One change to a record of every kind the hub versions, each of which moves a flag or a record. */
const CHANGES: [ImportKind, string][] = [
  ['authorities', changed('authorities', 'name', 'North Somerset Council')],
  ['calendar', changed('calendar', 'label', 'autumn term')],
  ['schools', changed('schools', 'name', 'Renamed School')],
  ['providers', changed('providers', 'registered', 'yes')],
  ['provider_evidence', changed('provider_evidence', 'status', 'missing')],
  ['provider_visits', changed('provider_visits', 'judgement', 'inadequate')],
  ['pupils', changed('pupils', 'school_urn', '')],
  ['placements', changed('placements', 'hours_per_week', '6')],
  ['targets', changed('targets', 'status', 'met')],
  ['reviews', changed('reviews', 'progress', 'good')],
  ['destinations', changed('destinations', 'activity', 'neet')],
];

async function apply(db: Database, changes: [ImportKind, string][], now: Date): Promise<number[]> {
  const runs: number[] = [];
  for (const [kind, text] of changes) {
    const r = await importFile(db, admin, kind, { content: Buffer.from(text) }, { now });
    expect(r.errors).toEqual([]);
    expect(r.updated).toBe(1);
    runs.push(r.runId);
  }
  return runs;
}

const flagKeys = async (db: Database, asOf: string) =>
  (await computeFlags(db.dataSource, admin, { asOf })).map((f) => `${f.code} ${f.subjectKey} ${f.reason}`);

/** Every row of each versioned table: today's, or as the hub knew it at the end of `asOf`. */
async function records(db: Database, asOf?: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  await db.dataSource.transaction(async (m) => {
    if (asOf)
      await m.query(
        `SELECT set_config('alp.as_of_end', alp_day_end($1::date)::text, true),
                set_config('search_path', 'alp_asof, public', true)`,
        [asOf],
      );
    for (const t of VERSIONED_TABLES) out[t] = await m.query(`SELECT * FROM ${t} ORDER BY id`);
  });
  return out;
}

describe('"as of" reads the records as the hub knew them', () => {
  let history: Database;
  let then: Record<string, unknown[]>;
  beforeAll(async () => {
    history = await createTestDatabase({ history: 'as received' });
    await importAsHistory(history, admin);
    then = await records(history);
    await apply(history, CHANGES, CHANGED_AT);
  });
  afterAll(() => history.close());

  it('keeps a version table beside each versioned table, with its columns, and an as-of view of them', async () => {
    for (const t of VERSIONED_TABLES) {
      const columns = async (schema: string, table: string) =>
        (
          await history.dataSource.query(
            `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
             ORDER BY ordinal_position`,
            [schema, table],
          )
        ).map((c: { column_name: string }) => c.column_name);
      const base = await columns('public', t);
      expect((await columns('public', `${t}_version`)).filter((c: string) => !c.startsWith('v_'))).toEqual(
        base,
      );
      expect(await columns('alp_asof', t)).toEqual(base);
    }
  });

  it('reads every kind of record as it stood before a change, and as changed after it', async () => {
    const now = await records(history);
    expect(await records(history, BEFORE)).toEqual(then);
    expect(await records(history, AFTER)).toEqual(now);
    for (const t of VERSIONED_TABLES) expect([t, now[t]]).not.toEqual([t, then[t]]);
    // before the back-load's time nothing existed
    expect(Object.values(await records(history, '2025-08-31')).flat()).toEqual([]);
  });

  it('gives, on a date before the changes, the flags of the files as they stood then', async () => {
    const expected = readFileSync(path.join(EXAMPLE, `expected-flags-${BEFORE}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l))
      .map((f) => `${f.code} ${f.subjectKey}`)
      .sort();
    const got = (await computeFlags(history.dataSource, admin, { asOf: BEFORE }))
      .map((f) => `${f.code} ${f.subjectKey}`)
      .sort();
    expect(got).toEqual(expected);
  });

  it('gives, on the day of the changes, the flags of a hub loaded with the changed files', async () => {
    const reference = await createTestDatabase({ history: 'as received' });
    try {
      await importAsHistory(reference, admin);
      await apply(reference, CHANGES, new Date('2025-09-02T00:00:00Z'));
      expect(await flagKeys(history, AFTER)).toEqual(await flagKeys(reference, AFTER));
      // the changes move flags on the earlier date too, so reading today's records there would show
      expect(await flagKeys(reference, BEFORE)).not.toEqual(await flagKeys(history, BEFORE));
    } finally {
      await reference.close();
    }
  });

  it('reads the versions only for a date after whose end something changed, else the tables', async () => {
    const path = (asOf: string) =>
      withAsOf(history.dataSource, asOf, async (m) => (await m.query('SHOW search_path'))[0].search_path);
    expect(await path(BEFORE)).toMatch(/^alp_asof, /);
    expect(await path(AFTER)).not.toMatch(/alp_asof/);
    expect(await path('2030-01-01')).not.toMatch(/alp_asof/);
  });

  it('records who sent each version and through which import', async () => {
    const [pupil] = await history.dataSource.query(
      `SELECT v_by, v_run, v_change, v_known_from FROM pupil_version WHERE v_known_to IS NULL AND v_change = 'update'`,
    );
    expect(pupil).toMatchObject({ v_by: 'history-test', v_change: 'update', v_known_from: CHANGED_AT });
    const [run] = await history.dataSource.query('SELECT kind FROM import_run WHERE id = $1', [pupil.v_run]);
    expect(run.kind).toBe('pupils');
  });
});
