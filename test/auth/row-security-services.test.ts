import path from 'node:path';
import { localAdministrator, Principal } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { importFolder } from '../../src/ingest';
import { attendanceHistory } from '../../src/ingest/attendance.service';
import { DeletionService } from '../../src/records/deletion.service';
import { PlacementService } from '../../src/records/placement.service';
import { PupilService } from '../../src/records/pupil.service';
import { createTestDatabase } from '../support/database';

/**
 * The services' reads stand behind the wall: with the policy module's row predicates switched off (every
 * pupil and placement "in scope"), an LA officer of 802 still gets 802's pupils only, and a provider its
 * own placements only. Were a service to read outside the wall, these would list every pupil.
 */
jest.mock('../../src/auth/policy', () => {
  const actual = jest.requireActual('../../src/auth/policy');
  return {
    ...actual,
    pupilScope: () => ({ sql: 'TRUE', params: {} }),
    placementScope: () => ({ sql: 'TRUE', params: {} }),
  };
});

const EXAMPLE = path.join(__dirname, '../../spec/example');
const officer: Principal = { ...localAdministrator('rls-officer'), role: 'la_officer', authorities: ['802'] };
const provider: Principal = {
  ...localAdministrator('rls-provider'),
  role: 'provider',
  providerRef: 'ALP-001',
};

let db: Database;
let all: { upn: string; la: string }[];
let placements: { ref: string; provider: string }[];

beforeAll(async () => {
  db = await createTestDatabase();
  const results = await importFolder(db, localAdministrator(), EXAMPLE);
  expect(results.flatMap((r) => r.errors)).toEqual([]);
  all = await db.dataSource.query(
    'SELECT p.upn, a.la_code AS la FROM pupil p JOIN authority a ON a.id = p.authority_id ORDER BY p.upn',
  );
  placements = await db.dataSource.query(
    `SELECT pl.placement_ref AS ref, pr.provider_ref AS provider
       FROM placement pl JOIN provider pr ON pr.id = pl.provider_id ORDER BY pl.placement_ref`,
  );
});

afterAll(() => db?.close());

test('the example has pupils of more than one authority and placements of more than one provider', () => {
  expect(new Set(all.map((p) => p.la)).size).toBeGreaterThan(1);
  expect(new Set(placements.map((p) => p.provider)).size).toBeGreaterThan(1);
});

test("pupil lists, look-ups and counts: an officer gets the authority's pupils only", async () => {
  const pupils = new PupilService(db.dataSource);
  const page = await pupils.list(officer, { asOf: '2026-03-02' }, { first: 100 });
  const mine = all.filter((p) => p.la === '802').map((p) => p.upn);
  expect(page.rows.map((r) => r.row.upn).sort()).toEqual(mine);
  expect(await page.totalCount()).toBe(mine.length);
  const other = all.find((p) => p.la !== '802');
  expect(await pupils.byUpn(officer, other?.upn as string)).toBeNull();
});

test('placement lists and look-ups: a provider gets its own placements only', async () => {
  const service = new PlacementService(db.dataSource);
  const page = await service.list(provider, { asOf: '2026-03-02' }, { first: 100 });
  const mine = placements.filter((p) => p.provider === 'ALP-001').map((p) => p.ref);
  expect(page.rows.map((r) => r.row.placement.placementRef).sort()).toEqual(mine);
  const other = placements.find((p) => p.provider !== 'ALP-001');
  expect(await service.byRef(provider, other?.ref as string)).toBeNull();
  await expect(attendanceHistory(db, provider, other?.ref as string)).rejects.toThrow(/does not exist/);
});

test("deletions: an officer cannot delete another authority's placement or destination", async () => {
  const deletions = new DeletionService(db.dataSource);
  const [theirs] = await db.dataSource.query(
    `SELECT pl.placement_ref AS ref FROM placement pl JOIN pupil p ON p.id = pl.pupil_id
       JOIN authority a ON a.id = p.authority_id WHERE a.la_code <> '802' ORDER BY pl.id LIMIT 1`,
  );
  await expect(deletions.deletePlacement(officer, theirs.ref)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  const [destination] = await db.dataSource.query(
    `SELECT p.upn, d.recorded_on AS "recordedOn" FROM destination d JOIN pupil p ON p.id = d.pupil_id
       JOIN authority a ON a.id = p.authority_id WHERE a.la_code <> '802' ORDER BY d.id LIMIT 1`,
  );
  await expect(
    deletions.deleteDestination(officer, destination.upn, destination.recordedOn),
  ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  const still = await db.dataSource.query(
    `SELECT (SELECT count(*)::int FROM placement WHERE placement_ref = $1) AS placements,
            (SELECT count(*)::int FROM destination d JOIN pupil p ON p.id = d.pupil_id
              WHERE p.upn = $2 AND d.recorded_on = $3) AS destinations`,
    [theirs.ref, destination.upn, destination.recordedOn],
  );
  expect(still).toEqual([{ placements: 1, destinations: 1 }]);
});
