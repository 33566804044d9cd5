import { localAdministrator } from '../../src/auth/principal';
import { runImport } from '../../src/cli/import.command';
import { Database } from '../../src/db/database';
import { computeFlags } from '../../src/indicators/flags.service';
import { importFile } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { EXAMPLE, importAsHistory } from '../support/example';
import { testPrincipal } from '../support/principals';

const admin = localAdministrator('receipt-test');

/** Every school day's AM and PM of November 2026 up to the 27th for one placement, recorded on the day. */
function monthOfRegisters(placementRef: string): string {
  const lines = ['placement_ref,date,session,code,recorded_at'];
  for (let day = 9; day <= 27; day += 1) {
    const d = new Date(Date.UTC(2026, 10, day));
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const date = d.toISOString().slice(0, 10);
    lines.push(
      `${placementRef},${date},AM,/,${date}T09:05:00Z`,
      `${placementRef},${date},PM,\\,${date}T13:35:00Z`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const lateFlags = async (db: Database, asOf: string) =>
  (await computeFlags(db.dataSource, admin, { asOf, codes: ['LATE_ATTENDANCE_REPORTING'] })).map(
    (f) => f.subjectKey,
  );

describe('when the hub received a record', () => {
  let db: Database;
  beforeEach(async () => {
    db = await createTestDatabase({ history: 'as received' });
    await importAsHistory(db, admin);
  });
  afterEach(() => db.close());

  it('a month of registers uploaded late is late, whatever recorded_at says, and unseen before it arrived', async () => {
    const upload = await importFile(
      db,
      admin,
      'attendance',
      { content: Buffer.from(monthOfRegisters('PL-0001')) },
      { now: new Date('2026-11-30T16:00:00Z') },
    );
    expect(upload.errors).toEqual([]);
    const [marks] = await db.dataSource.query(
      `SELECT count(*)::int AS n, min(first_recorded_on) AS first, max(first_recorded_on) AS last,
              min(recorded_at) AS recorded
       FROM attendance WHERE import_run_id = $1`,
      [upload.runId],
    );
    // recorded_at is kept as the provider gave it; what counts is the day the hub received each mark
    expect(marks).toEqual({
      n: 30,
      first: '2026-11-30',
      last: '2026-11-30',
      recorded: new Date('2026-11-09T09:05:00Z'),
    });
    expect(await lateFlags(db, '2026-11-30')).toContain('ALP-002');
    // as of the 27th the hub had none of those marks
    const [known] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM attendance WHERE import_run_id = $1 AND recorded_on <= '2026-11-27'`,
      [upload.runId],
    );
    expect(known.n).toBe(0);
  });

  it('the same registers back-loaded count from their own recorded_at: on time', async () => {
    const backLoad = await importFile(
      db,
      admin,
      'attendance',
      { content: Buffer.from(monthOfRegisters('PL-0001')) },
      { knownAt: new Date('2026-11-09T00:00:00Z') },
    );
    expect(backLoad.errors).toEqual([]);
    const [marks] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE first_recorded_on = session_date)::int AS on_the_day, count(*)::int AS n
       FROM attendance WHERE import_run_id = $1`,
      [backLoad.runId],
    );
    expect(marks).toEqual({ on_the_day: 30, n: 30 });
  });

  it('refuses a back-load in the future or by anyone but an administrator, and says why', async () => {
    const file = { content: Buffer.from('provider_ref,registered\nALP-000,yes\n') };
    await expect(
      importFile(db, admin, 'providers', file, { knownAt: new Date(Date.now() + 60_000) }),
    ).rejects.toThrow(/in the future/);
    const officer = testPrincipal('la_officer', { authorities: ['802'] });
    await expect(
      importFile(db, officer, 'providers', file, { knownAt: new Date('2026-01-01T00:00:00Z') }),
    ).rejects.toThrow(/only an administrator may back-load/);
  });

  /** ALP-000 registered, by a file imported with `opts`. */
  const registerAlp000 = (opts: { knownAt?: Date; now?: Date }) =>
    importFile(
      db,
      admin,
      'providers',
      { content: Buffer.from('provider_ref,registered\nALP-000,yes\n') },
      opts,
    );

  it('refuses a back-load older than what the hub already knows of the same records', async () => {
    await expect(registerAlp000({ knownAt: new Date('2025-01-01T00:00:00Z') })).rejects.toMatchObject({
      code: 'INGEST_HISTORY_ORDER',
      message: expect.stringMatching(/oldest first/),
    });
    const [p] = await db.dataSource.query(`SELECT registered FROM provider WHERE provider_ref = 'ALP-000'`);
    expect(p.registered).toBe(false);
  });

  it('tells a plain import that a record changed while it ran, not that a back-load was out of order', async () => {
    // the import was received a minute ago; the provider changed since, before its merge
    await db.dataSource.query(
      `UPDATE provider SET name = 'Changed meanwhile' WHERE provider_ref = 'ALP-000'`,
    );
    await expect(registerAlp000({ now: new Date(Date.now() - 60_000) })).rejects.toMatchObject({
      code: 'INGEST_CONFLICT',
      message: expect.stringMatching(/changed while the import ran.*import the file again/),
    });
    const [p] = await db.dataSource.query(`SELECT registered FROM provider WHERE provider_ref = 'ALP-000'`);
    expect(p.registered).toBe(false);
  });
});

describe('the first plain import', () => {
  it('tells the user its records are known from now and how to back-load', async () => {
    const db = await createTestDatabase({ history: 'as received' });
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      out.push(a.join(' '));
    });
    try {
      expect(await runImport(db, admin, `${EXAMPLE}/authorities.csv`, {})).toBe(0);
      expect(out.join('\n')).toMatch(/known from now.*--known-at/s);
      out.length = 0;
      expect(await runImport(db, admin, `${EXAMPLE}/schools.csv`, {})).toBe(0);
      expect(out.join('\n')).not.toMatch(/known from now/);
    } finally {
      log.mockRestore();
      await db.close();
    }
  });
});
