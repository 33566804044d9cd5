import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { computeFlags } from '../../src/indicators/flags.service';
import { createTestDatabase } from '../support/database';
import { importAsHistory } from '../support/example';

const EXAMPLE = path.join(__dirname, '../../spec/example');

function expected(date: string): string[] {
  return readFileSync(path.join(EXAMPLE, `expected-flags-${date}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const f = JSON.parse(l);
      return JSON.stringify([f.code, f.subjectType, f.subjectKey, f.authorities]);
    })
    .sort();
}

describe('spec/example scenario', () => {
  let db: Database;
  beforeAll(async () => {
    // as its README says: a back-load known from before both dates, on a hub that dates what it receives
    db = await createTestDatabase({ history: 'as received' });
    await importAsHistory(db, localAdministrator());
  });
  afterAll(() => db.close());

  it.each(['2026-03-02', '2026-11-03'])('raises exactly the expected flags at %s', async (date) => {
    const flags = await computeFlags(db.dataSource, localAdministrator(), { asOf: date });
    const got = flags.map((f) => JSON.stringify([f.code, f.subjectType, f.subjectKey, f.authorities])).sort();
    if (process.env.SHOW_FLAGS)
      console.log(flags.map((f) => `${f.code} ${f.subjectKey} ${f.authorities} | ${f.reason}`).join('\n'));
    expect(got).toEqual(expected(date));
  });
});
