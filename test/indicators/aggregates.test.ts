import path from 'node:path';
import { localAdministrator, Principal } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { computeFlags } from '../../src/indicators/flags.service';
import { computeIndicators, computeSeries, seriesDates } from '../../src/indicators/indicators.service';
import { importFolder } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { testPrincipal } from '../support/principals';

const EXAMPLE = path.join(__dirname, '../../spec/example');
const analyst: Principal = testPrincipal('analyst', { name: 'analyst', authorities: ['802'] });
const officer802: Principal = testPrincipal('la_officer', { name: 'officer', authorities: ['802'] });

describe('aggregate indicators on spec/example', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    await importFolder(db, localAdministrator(), EXAMPLE);
  });
  afterAll(() => db.close());

  it('counts pupils, placements, attendance and leavers at a date', async () => {
    const r = await computeIndicators(db.dataSource, localAdministrator(), { asOf: '2026-11-03' });
    expect(r.headline.pupilsInAp.value).toBe(8);
    expect(r.headline.activePlacements.value).toBe(8);
    // A802, G802, J801...011 and K802 had a placement in Year 11; none has a known destination on 3 Nov.
    expect(r.headline.year11Leavers.value).toBe(4);
    expect(r.headline.positiveDestinationRate.value).toBe(0);
    expect(r.headline.neetOrNotKnownRate.value).toBe(1);
    expect(r.headline.placementLengthMeanDays).toEqual({ value: null, denominator: 0, suppressed: false });
    const types = r.breakdowns
      .filter((b) => b.dimension === 'type')
      .map((b) => [b.value, b.placements.value]);
    expect(types).toEqual([
      ['full_time', 2],
      ['in_school', 4],
      ['part_time', 2],
    ]);
    const flags = await computeFlags(db.dataSource, localAdministrator(), { asOf: '2026-11-03' });
    const overrun = r.flagCounts.find((c) => c.code === 'OVERRUN');
    expect(overrun?.count.value).toBe(flags.filter((f) => f.code === 'OVERRUN').length);
    const alp000 = r.providers.find((p) => p.providerRef === 'ALP-000');
    expect(alp000?.complianceFlags.value).toBe(
      flags.filter((f) => f.subjectType === 'provider' && f.subjectKey === 'ALP-000').length,
    );
  });

  it('suppresses counts of 1 to 4 and rates over fewer than 5 for an aggregates-only caller', async () => {
    const open = await computeIndicators(db.dataSource, officer802, { asOf: '2026-11-03', authority: '802' });
    const closed = await computeIndicators(db.dataSource, analyst, { asOf: '2026-11-03', authority: '802' });
    // 802 has 5 pupils in AP (shown) and 3 Year 11 leavers (suppressed, and so is every share over them).
    expect(open.headline.pupilsInAp.value).toBe(5);
    expect(closed.headline.pupilsInAp).toEqual({ value: 5, denominator: null, suppressed: false });
    expect(open.headline.year11Leavers.value).toBe(3);
    expect(closed.headline.year11Leavers).toEqual({ value: null, denominator: null, suppressed: true });
    expect(open.headline.neetOrNotKnownRate).toEqual({ value: 1, denominator: 3, suppressed: false });
    expect(closed.headline.neetOrNotKnownRate).toEqual({ value: null, denominator: null, suppressed: true });
    for (const c of closed.flagCounts) {
      const n = open.flagCounts.find((o) => o.code === c.code)?.count.value ?? 0;
      expect(c.count.suppressed).toBe(n >= 1 && n <= 4);
      expect(c.count.value).toBe(n >= 1 && n <= 4 ? null : n);
    }
    expect(closed.headline.attendanceRate.suppressed).toBe(false);
  });

  it('refuses individual flags to a governor and other authorities to an officer', async () => {
    const governor = testPrincipal('governor', { authorities: ['802'], schoolUrn: '100049' });
    await expect(computeFlags(db.dataSource, governor, { asOf: '2026-11-03' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      computeIndicators(db.dataSource, officer802, { asOf: '2026-11-03', authority: '801' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('gives a weekly series whose points equal the snapshots at their dates', async () => {
    const series = await computeSeries(db.dataSource, localAdministrator(), {
      from: '2026-10-13',
      to: '2026-11-03',
    });
    expect(series.map((p) => p.date)).toEqual(['2026-10-13', '2026-10-20', '2026-10-27', '2026-11-03']);
    const last = await computeIndicators(db.dataSource, localAdministrator(), { asOf: '2026-11-03' });
    expect(series[3].headline).toEqual(last.headline);
    expect(series[3].flagCounts).toEqual(last.flagCounts);
  });

  it('bounds a series', () => {
    expect(seriesDates('2025-09-01', '2026-08-31')).toHaveLength(53);
    expect(() => seriesDates('2026-01-02', '2026-01-01')).toThrow('from must be on or before to');
    expect(() => seriesDates('2020-01-01', '2026-01-01')).toThrow('at most 60');
  });
});
