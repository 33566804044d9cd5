import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { VERSIONED_TABLES } from '../../migrations/1765500000000-RecordVersions';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { makeUpn } from '../../src/domain/upn';
import { computeFlags } from '../../src/indicators/flags.service';
import { IMPORT_KINDS, ImportKind, importFile, importFolder, kindDefinition } from '../../src/ingest';
import { createTestDatabase } from '../support/database';

const EXAMPLE = path.resolve(__dirname, '../../spec/example');
const admin = localAdministrator('absent-test');
const TABLES = [...VERSIONED_TABLES, 'attendance'];

/** The example's file of a kind as header and rows of cells. */
function exampleFile(kind: ImportKind): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parse(readFileSync(path.join(EXAMPLE, `${kind}.csv`), 'utf8')) as string[][];
  return { header, rows };
}

function csv(header: string[], rows: string[][]): string {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

/** The example's file of a kind with only the named columns. */
function only(kind: ImportKind, columns: string[]): string {
  const { header, rows } = exampleFile(kind);
  const at = columns.map((c) => header.indexOf(c));
  expect(at).not.toContain(-1);
  return csv(
    columns,
    rows.map((r) => at.map((i) => r[i])),
  );
}

function importText(db: Database, kind: ImportKind, text: string) {
  return importFile(db, admin, kind, { content: Buffer.from(text, 'utf8') });
}

/** Every row of every table an import writes, as sorted JSON, so that any change shows. */
async function snapshot(db: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows: { j: string }[] = await db.dataSource.query(`SELECT to_jsonb(t)::text AS j FROM ${table} t`);
    out[table] = rows.map((r) => r.j).sort();
  }
  return out;
}

async function flags(db: Database, asOf: string): Promise<string[]> {
  const found = await computeFlags(db.dataSource, admin, { asOf });
  return found.map((f) => JSON.stringify([f.code, f.subjectType, f.subjectKey, f.authorities])).sort();
}

const DATES = ['2026-03-02', '2026-11-03'];

describe('absent is not empty (spec "Common rules")', () => {
  let db: Database;
  let flagsBefore: Record<string, string[]>;
  beforeAll(async () => {
    db = await createTestDatabase();
    const results = await importFolder(db, admin, EXAMPLE);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    flagsBefore = {};
    for (const date of DATES) flagsBefore[date] = await flags(db, date);
  });
  afterAll(() => db.close());

  it('a names-only pupils file changes names and nothing else: rolls kept, flags unchanged', async () => {
    const before = await snapshot(db);
    const { header, rows } = exampleFile('pupils');
    const columns = ['upn', 'first_name', 'last_name', 'date_of_birth', 'la_code'];
    const at = columns.map((c) => header.indexOf(c));
    const renamed = rows.map((r) => at.map((i, k) => (k === 1 ? `${r[i]}-renamed` : r[i])));
    const result = await importText(db, 'pupils', csv(columns, renamed));
    expect(result).toMatchObject({ errors: [], inserted: 0, updated: rows.length, unchanged: 0 });

    const after = await snapshot(db);
    for (const table of TABLES.filter((t) => t !== 'pupil')) expect(after[table]).toEqual(before[table]);
    const strip = (j: string) => {
      const { first_name: _f, updated_at: _u, ...rest } = JSON.parse(j);
      return JSON.stringify(rest);
    };
    expect(after.pupil.map(strip).sort()).toEqual(before.pupil.map(strip).sort());
    const onRoll = await db.dataSource.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE first_name LIKE '%-renamed')::int AS renamed
       FROM pupil WHERE school_id IS NOT NULL`,
    );
    expect(onRoll[0].n).toBe(onRoll[0].renamed);
    expect(onRoll[0].n).toBeGreaterThan(5);
    for (const date of DATES) expect(await flags(db, date)).toEqual(flagsBefore[date]);
    const back = await importText(db, 'pupils', only('pupils', columns));
    expect(back).toMatchObject({ errors: [], updated: rows.length });
    expect(await snapshot(db)).toEqual(before);
  });

  it('a placements file of its required columns changes nothing: ended stay ended, plans, checks, costs kept', async () => {
    const before = await snapshot(db);
    const ended = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM placement WHERE end_date IS NOT NULL',
    );
    expect(ended[0].n).toBeGreaterThan(0);
    const required = kindDefinition('placements')
      .columns.filter((c) => c.required)
      .map((c) => c.name);
    expect(required).toEqual([
      'placement_ref',
      'upn',
      'provider_ref',
      'type',
      'start_date',
      'hours_per_week',
    ]);
    const result = await importText(db, 'placements', only('placements', required));
    expect(result).toMatchObject({ errors: [], inserted: 0, updated: 0, unchanged: 14 });
    expect(await snapshot(db)).toEqual(before);
    for (const date of DATES) expect(await flags(db, date)).toEqual(flagsBefore[date]);
  });

  it.each(IMPORT_KINDS.map((k) => [k]))(
    '%s: a file of the natural key alone, or of the required columns, changes nothing',
    async (kind) => {
      const before = await snapshot(db);
      const def = kindDefinition(kind);
      const required = def.columns.filter((c) => c.required).map((c) => c.name);
      for (const columns of [def.naturalKey, required]) {
        const result = await importText(db, kind, only(kind, columns));
        expect(result.errors).toEqual([]);
        expect(result).toMatchObject({ inserted: 0, updated: 0, unchanged: result.rows });
        expect(result.rows).toBeGreaterThan(0);
      }
      expect(await snapshot(db)).toEqual(before);
    },
  );

  it('a file that would create a record without a required column is refused: the column and the rows', async () => {
    const before = await snapshot(db);
    const result = await importText(
      db,
      'pupils',
      `upn,first_name\nL802200025000,Pupil0\n${makeUpn('802200026099')},New\nA802200025001,Pupil1\n${makeUpn('802200026098')},Other\n`,
    );
    const reason =
      'no stored pupils record has this upn, so this row would create one; a file that creates records must have the columns last_name, date_of_birth, la_code';
    expect(result.errors).toEqual([
      { line: 3, column: 'last_name', value: makeUpn('802200026099'), reason },
      { line: 5, column: 'last_name', value: makeUpn('802200026098'), reason },
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('an empty cell in a present column clears an optional field; absent ones stay', async () => {
    const [pupil] = await db.dataSource.query(
      "SELECT school_id, gender, sen_status FROM pupil WHERE upn = 'L802200025000'",
    );
    expect(pupil.school_id).not.toBeNull();
    const result = await importText(db, 'pupils', 'upn,school_urn\nL802200025000,\n');
    expect(result).toMatchObject({ errors: [], updated: 1 });
    const [after] = await db.dataSource.query(
      "SELECT school_id, gender, sen_status FROM pupil WHERE upn = 'L802200025000'",
    );
    expect(after).toEqual({ ...pupil, school_id: null });
    // put it back for the tests after this one
    const { header, rows } = exampleFile('pupils');
    const row = rows.find((r) => r[0] === 'L802200025000') as string[];
    expect((await importText(db, 'pupils', csv(header, [row]))).errors).toEqual([]);
  });

  it('an end date given against a stored start date is checked as if both were in the file', async () => {
    const [p] = await db.dataSource.query("SELECT start_date FROM placement WHERE placement_ref = 'PL-0001'");
    const result = await importText(db, 'placements', 'placement_ref,end_date\nPL-0001,2026-01-01\n');
    expect(result.errors).toEqual([
      {
        line: 2,
        column: 'end_date',
        value: '2026-01-01',
        reason: `end_date is before start_date ${p.start_date}`,
      },
    ]);
  });

  it('attendance without the code column keeps stored marks and refuses new sessions', async () => {
    const before = await snapshot(db);
    const [mark] = exampleFile('attendance').rows;
    const result = await importText(
      db,
      'attendance',
      `placement_ref,date,session\n${mark.slice(0, 3).join(',')}\nPL-0001,2026-11-27,AM\n`,
    );
    expect(result.errors).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'code',
        reason: expect.stringMatching(/must have the column code$/),
      }),
    ]);
    expect(await snapshot(db)).toEqual(before);
  });
});
