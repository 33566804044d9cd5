import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { makeUpn } from '../../src/domain/upn';
import { Authority, Placement } from '../../src/entities';
import { saveAudited, snapshot } from '../../src/records/audited-save';
import { AuthorityService } from '../../src/records/authority.service';
import { DeletionService } from '../../src/records/deletion.service';
import { PlacementService } from '../../src/records/placement.service';
import { createTestDatabase } from '../support/database';
import { factories } from '../support/factories';

/**
 * A change applies to the record as its writer read it. The services read, patch in memory and save
 * through `saveAudited`; the interleavings below call it directly with what a writer read before
 * someone else's change or deletion.
 */
let db: Database;
const admin = localAdministrator('test-admin');
const other = localAdministrator('other-admin');
const UPN = makeUpn('801200009001');
let placements: PlacementService;

beforeAll(async () => {
  db = await createTestDatabase();
  const f = factories(db);
  await f.authority({ laCode: '801', name: 'Authority A' });
  await f.provider({ providerRef: 'P1' });
  await f.pupil({ upn: UPN, laCode: '801' });
  await f.placement({ placementRef: 'CH-1', upn: UPN, providerRef: 'P1', sessions: ['MON-AM'] });
  await f.placement({ placementRef: 'CH-2', upn: UPN, providerRef: 'P1' });
  placements = new PlacementService(db.dataSource);
});

afterAll(async () => {
  await db.close();
});

async function audits(operation: string, key: string): Promise<number> {
  const [{ n }] = await db.dataSource.query(
    `SELECT count(*)::int AS n FROM audit_event WHERE operation = $1 AND $2 = ANY(subjects)`,
    [operation, key],
  );
  return n;
}

describe('saveAudited, changing a record', () => {
  it('stores changes one after another, each with its audit row', async () => {
    await placements.update(admin, 'CH-1', { hoursPerWeek: 12.5, endDate: '2026-03-27' });
    const second = await placements.update(admin, 'CH-1', { sessions: ['MON-AM', 'TUE-PM'] });
    expect(second).toMatchObject({ endDate: '2026-03-27', sessions: ['MON-AM', 'TUE-PM'] });
    expect(Number(second.hoursPerWeek)).toBe(12.5);
    expect(await audits('update placement', 'CH-1')).toBe(2);

    const authorities = new AuthorityService(db.dataSource);
    await authorities.update(admin, '801', { name: 'Authority A1' });
    expect((await authorities.update(admin, '801', { name: 'Authority A2' })).name).toBe('Authority A2');
  });

  it('is CONFLICT when the record was changed since it was read, and keeps the other change', async () => {
    const read = (await placements.byRef(admin, 'CH-1')) as Placement;
    const before = snapshot(read);
    await placements.update(other, 'CH-1', { hoursPerWeek: 20 });
    const audited = await audits('update placement', 'CH-1');

    read.hoursPerWeek = 30;
    await expect(
      saveAudited(db.dataSource, admin, Placement, { kind: 'placement', key: 'CH-1', before }, read),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'placement CH-1 was changed by someone else since it was read; read it again and retry',
    });
    const [row] = await db.dataSource.query(
      `SELECT hours_per_week::float AS h FROM placement WHERE placement_ref = 'CH-1'`,
    );
    expect(row.h).toBe(20);
    expect(await audits('update placement', 'CH-1')).toBe(audited);
  });

  it('is NOT_FOUND when the record was deleted since it was read, and does not bring it back', async () => {
    const read = (await placements.byRef(admin, 'CH-2')) as Placement;
    const before = snapshot(read);
    await new DeletionService(db.dataSource).deletePlacement(other, 'CH-2');

    read.hoursPerWeek = 30;
    await expect(
      saveAudited(db.dataSource, admin, Placement, { kind: 'placement', key: 'CH-2', before }, read),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'placement CH-2 does not exist' });
    expect(await db.dataSource.query(`SELECT id FROM placement WHERE placement_ref = 'CH-2'`)).toEqual([]);
    expect(await audits('update placement', 'CH-2')).toBe(0);
  });

  it('is CONFLICT for a stale read of a record with an update time', async () => {
    const repo = db.dataSource.getRepository(Authority);
    const read = (await repo.findOneBy({ laCode: '801' })) as Authority;
    const before = snapshot(read);
    await new AuthorityService(db.dataSource).update(other, '801', { name: 'Authority B' });
    read.name = 'Authority C';
    await expect(
      saveAudited(db.dataSource, admin, Authority, { kind: 'authority', key: '801', before }, read),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await repo.findOneBy({ laCode: '801' }))?.name).toBe('Authority B');
  });
});
