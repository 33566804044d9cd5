import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { londonToday } from '../../src/domain/dates';
import { computeFlags } from '../../src/indicators/flags.service';
import { attendanceHistory } from '../../src/ingest';
import { DeletionService } from '../../src/records/deletion.service';
import { createTestDatabase } from '../support/database';
import { importAsHistory } from '../support/example';

/**
 * Deletions are history: on the worked example, back-loaded as its README says, records deleted
 * today are still read on the example's date, and gone from today's flags.
 */
const admin = localAdministrator('deletion-test');
const BEFORE = '2026-11-03';
let db: Database;

const flagKeys = async (asOf: string) =>
  (await computeFlags(db.dataSource, admin, { asOf })).map((f) => `${f.code} ${f.subjectKey} ${f.reason}`);

beforeAll(async () => {
  // deletions known when they happen, as in production, after the example's back-load
  db = await createTestDatabase({ history: 'as received' });
  await importAsHistory(db, admin);
});
afterAll(() => db.close());

it('flags on an earlier date are those the hub gave before the deletions; today they are gone', async () => {
  const today = londonToday();
  const thenBefore = await flagKeys(BEFORE);
  const todayBefore = await flagKeys(today);
  expect(todayBefore.filter((k) => k.includes(' PL-0002 ')).length).toBeGreaterThan(0);

  const deletions = new DeletionService(db.dataSource);
  await deletions.deletePlacement(admin, 'PL-0002'); // with 146 marks, targets and reviews
  await deletions.deleteReview(admin, 'PL-0001', '2026-04-26');
  await deletions.deleteAttendanceMark(admin, { placementRef: 'PL-0001', date: '2026-04-13', session: 'AM' });

  expect(await flagKeys(BEFORE)).toEqual(thenBefore);
  const todayAfter = await flagKeys(today);
  expect(todayAfter.filter((k) => k.includes(' PL-0002 '))).toEqual([]);
  expect(todayAfter).not.toEqual(todayBefore);

  // the deleted mark: shown as of the example's date, closed today
  const asOf = await attendanceHistory(db, admin, 'PL-0001', {
    from: '2026-04-13',
    to: '2026-04-13',
    asOf: BEFORE,
  });
  expect(asOf.map((v) => `${v.session} ${v.code}`)).toContain('AM N');
  const current = await attendanceHistory(db, admin, 'PL-0001', {
    from: '2026-04-13',
    to: '2026-04-13',
    asOf: today,
  });
  expect(current.map((v) => `${v.session} ${v.code}`)).not.toContain('AM N');
});
