import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { loadDemo } from '../../src/demo';
import { addDays } from '../../src/domain/dates';
import { withAsOf } from '../../src/history/as-of';
import { revertImport } from '../../src/history/revert.service';
import { yearMarksAt } from '../../src/indicators/indicators.service';
import { importFile } from '../../src/ingest';
import { DeletionService } from '../../src/records/deletion.service';
import { erasePupil } from '../../src/records/erasure.service';
import { createTestDatabase } from '../support/database';

const admin = localAdministrator('attendance-week-test');

/** Every week of every placement counted again from the marks, as the migration defines a week. */
const RECOUNT = `
SELECT a.placement_id, to_char(date_trunc('week', a.session_date), 'YYYY-MM-DD') AS week,
       count(*) FILTER (WHERE a.superseded_at IS NULL)::int AS marks,
       count(*) FILTER (WHERE a.superseded_at IS NULL AND c.possible_session)::int AS possible,
       count(*) FILTER (WHERE a.superseded_at IS NULL AND c.attended)::int AS attended,
       to_char(max(greatest(a.recorded_on, a.superseded_on)), 'YYYY-MM-DD') AS settled_on
FROM attendance a JOIN attendance_code c ON c.code = a.code
GROUP BY 1, 2 ORDER BY 1, 2`;

const KEPT = `
SELECT placement_id, to_char(week, 'YYYY-MM-DD') AS week, marks, possible, attended,
       to_char(settled_on, 'YYYY-MM-DD') AS settled_on
FROM attendance_week ORDER BY 1, 2`;

/**
 * The year's marks of each placement as known on `d`, read from the marks themselves (of the placements
 * known on `d`: run as of it).
 */
const RAW_YEAR = `
SELECT a.placement_id, count(*)::int AS marks, count(*) FILTER (WHERE c.possible_session)::int AS possible,
       count(*) FILTER (WHERE c.attended)::int AS attended
FROM attendance a JOIN attendance_code c ON c.code = a.code JOIN placement pl ON pl.id = a.placement_id
WHERE a.session_date BETWEEN make_date(alp_academic_year_start($1::date), 9, 1) AND $1::date
  AND a.recorded_on <= $1::date AND (a.superseded_on IS NULL OR a.superseded_on > $1::date)
GROUP BY 1 ORDER BY 1`;

interface Week {
  placement_id: number;
  week: string;
  marks: number;
  possible: number;
  attended: number;
  settled_on: string;
}

/**
 * The weeks kept by the triggers against a recount: the same counts, and a settled day no earlier
 * (an undo may leave it later, which only sends readers to the marks).
 */
async function expectWeeksKept(db: Database): Promise<void> {
  const recount: Week[] = await db.dataSource.query(RECOUNT);
  const kept: Week[] = await db.dataSource.query(KEPT);
  const counts = (w: Week) => [w.placement_id, w.week, w.marks, w.possible, w.attended];
  expect(kept.map(counts)).toEqual(recount.map(counts));
  const late = kept.filter((w, i) => w.settled_on < recount[i].settled_on);
  expect(late).toEqual([]);
}

describe('attendance weeks', () => {
  let db: Database;

  beforeAll(async () => {
    // as received: the demo is back-loaded with its own times, and the changes below come after it
    db = await createTestDatabase({ history: 'as received' });
    await loadDemo(db, admin, {
      seed: 11,
      pupils: 120,
      placements: 300,
      meanWeeks: 12,
      authorities: 1,
      historyYears: 1,
      today: '2026-03-03',
    });
  }, 600_000);
  afterAll(() => db.close());

  it('are kept by the import, its corrections and late marks', async () => {
    expect(
      (await db.dataSource.query('SELECT count(*)::int AS n FROM attendance_week'))[0].n,
    ).toBeGreaterThan(0);
    await expectWeeksKept(db);
    // a correction recorded ten days after its session, and a mark first recorded three weeks late
    const [mark] = await db.dataSource.query(
      `SELECT p.placement_ref, to_char(a.session_date, 'YYYY-MM-DD') AS date, a.session, a.code
       FROM attendance a JOIN placement p ON p.id = a.placement_id
       WHERE a.superseded_at IS NULL AND a.session_date BETWEEN '2026-01-05' AND '2026-01-30'
       ORDER BY a.placement_id, a.session_date LIMIT 1`,
    );
    const file = [
      'placement_ref,date,session,code,recorded_at',
      `${mark.placement_ref},${mark.date},${mark.session},${mark.code === 'O' ? 'I' : 'O'},${addDays(mark.date, 10)}T09:00:00Z`,
    ].join('\n');
    const result = await importFile(
      db,
      admin,
      'attendance',
      { content: Buffer.from(file) },
      { knownAt: new Date(`${addDays(mark.date, 10)}T09:00:00Z`) },
    );
    expect(result.errors).toEqual([]);
    expect(result.updated).toBe(1);
    await expectWeeksKept(db);
    // undone: the corrected version is current again
    await revertImport(db, admin, result.runId as number, { force: true });
    await expectWeeksKept(db);
  });

  it("give every date's year counts as the marks do, settled or not", async () => {
    // weeks changed after they ended (the demo's corrections): read from the marks before that day
    const [late] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM attendance_week WHERE settled_on > week + 6',
    );
    expect(late.n).toBeGreaterThan(10);
    // every other day over two academic years, each day of the week and both ends of a year
    for (let d = '2025-08-25'; d <= '2026-09-08'; d = addDays(d, 3)) {
      const fromWeeks = await yearMarksAt(db.dataSource, d, null);
      const raw: { placement_id: number; marks: number; possible: number; attended: number }[] =
        await withAsOf(db.dataSource, d, (m) => m.query(RAW_YEAR, [d]));
      const got = fromWeeks.placements.placementIds.map((id, i) => [
        id,
        fromWeeks.placements.possible[i],
        fromWeeks.placements.attended[i],
      ]);
      expect({ d, got }).toEqual({ d, got: raw.map((r) => [r.placement_id, r.possible, r.attended]) });
    }
  }, 120_000);

  it('follow a change of the codes, a deleted placement and an erased pupil', async () => {
    await db.dataSource.query(`UPDATE attendance_code SET attended = NOT attended WHERE code = 'L'`);
    await expectWeeksKept(db);
    await db.dataSource.query(`UPDATE attendance_code SET attended = NOT attended WHERE code = 'L'`);
    await expectWeeksKept(db);

    const [placement] = await db.dataSource.query(
      `SELECT p.placement_ref FROM placement p WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.placement_id = p.id)
       ORDER BY p.id LIMIT 1`,
    );
    await new DeletionService(db.dataSource).deletePlacement(admin, placement.placement_ref);
    await expectWeeksKept(db);

    const [pupil] = await db.dataSource.query(
      `SELECT pu.upn, array_agg(pl.id) AS placements FROM pupil pu JOIN placement pl ON pl.pupil_id = pu.id
       WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.placement_id = pl.id) GROUP BY pu.id ORDER BY pu.id LIMIT 1`,
    );
    await erasePupil(db.dataSource, admin, pupil.upn);
    await expectWeeksKept(db);
    const left = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM attendance_week WHERE placement_id = ANY ($1::int[])',
      [pupil.placements],
    );
    expect(left[0].n).toBe(0);
  });
});
