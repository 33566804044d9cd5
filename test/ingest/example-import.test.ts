import path from 'node:path';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { IMPORT_KINDS, importFolder } from '../../src/ingest';
import { createTestDatabase } from '../support/database';

const EXAMPLE = path.resolve(__dirname, '../../spec/example');
const admin = localAdministrator('example-test');

describe('importing spec/example whole', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('stores every file, then re-imports it with nothing changed', async () => {
    const first = await importFolder(db, admin, EXAMPLE, { now: new Date('2026-11-20T12:00:00Z') });
    expect(first.map((r) => r.kind)).toEqual(IMPORT_KINDS);
    for (const r of first) {
      expect(r.errors).toEqual([]);
      expect(r.inserted).toBe(r.rows);
    }
    const counts = await db.dataSource.query(
      `SELECT (SELECT count(*) FROM attendance)::int AS attendance, (SELECT count(*) FROM pupil)::int AS pupils,
        (SELECT count(*) FROM placement)::int AS placements`,
    );
    expect(counts[0]).toEqual({ attendance: 1616, pupils: 12, placements: 14 });

    const second = await importFolder(db, admin, EXAMPLE, { now: new Date('2026-11-21T12:00:00Z') });
    for (const r of second) {
      expect(r.errors).toEqual([]);
      expect({ inserted: r.inserted, updated: r.updated, unchanged: r.unchanged }).toEqual({
        inserted: 0,
        updated: 0,
        unchanged: r.rows,
      });
    }
  });

  it('reads the spellings the example uses', async () => {
    const [placement] = await db.dataSource.query(
      `SELECT sessions, core_subjects, dfe_registration_checked, weekly_cost_pence, hours_per_week
       FROM placement WHERE placement_ref = 'PL-0001'`,
    );
    expect(placement).toEqual({
      sessions: ['MON-AM', 'TUE-AM', 'TUE-PM', 'WED-AM', 'WED-PM', 'THU-PM'],
      core_subjects: true,
      dfe_registration_checked: true,
      weekly_cost_pence: 12000,
      hours_per_week: 25,
    });
    const marks = await db.dataSource.query(
      `SELECT a.session, a.code, a.recorded_at, a.recorded_on FROM attendance a JOIN placement p ON p.id = a.placement_id
       WHERE p.placement_ref = 'PL-0001' AND a.session = 'AM' AND a.session_date IN ('2026-04-13', '2026-04-15') ORDER BY a.session_date`,
    );
    expect(marks).toEqual([
      { session: 'AM', code: 'N', recorded_at: new Date('2026-04-13T08:40:00Z'), recorded_on: '2026-04-13' },
      { session: 'AM', code: 'Y1', recorded_at: new Date('2026-04-15T08:40:00Z'), recorded_on: '2026-04-15' },
    ]);
  });
});
