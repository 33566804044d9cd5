import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { makeUpn } from '../../src/domain/upn';
import { forgetIndicatorPoints } from '../../src/indicators/series-points';
import { erasePupil } from '../../src/records/erasure.service';
import { createTestDatabase } from '../support/database';
import { factories } from '../support/factories';

// forgetIndicatorPoints as it is, but made to fail in this file (a connection lost after the COMMIT)
jest.mock('../../src/indicators/series-points', () => {
  const actual = jest.requireActual('../../src/indicators/series-points');
  return { ...actual, forgetIndicatorPoints: jest.fn(actual.forgetIndicatorPoints) };
});

let db: Database;
const admin = localAdministrator('erasure-admin');

beforeAll(async () => {
  db = await createTestDatabase();
  await factories(db).authority({ laCode: '801', name: 'Authority A' });
});
afterAll(() => db.close());

test('an erasure that committed answers as erased even when forgetting points afterwards fails', async () => {
  const upn = makeUpn('801200008050');
  await factories(db).pupil({ upn, laCode: '801' });
  jest.mocked(forgetIndicatorPoints).mockRejectedValueOnce(new Error('Connection terminated'));
  await expect(erasePupil(db.dataSource, admin, upn)).resolves.toMatchObject({ removed: { pupil: 1 } });
  expect(jest.mocked(forgetIndicatorPoints)).toHaveBeenCalled();
  expect(await db.dataSource.query('SELECT 1 FROM pupil WHERE upn = $1', [upn])).toEqual([]);
});
