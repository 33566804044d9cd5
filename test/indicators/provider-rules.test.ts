import { visibleFlags } from '../../src/auth/flag-scope';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { addDays } from '../../src/domain/dates';
import { computeFlags } from '../../src/indicators/flags.service';
import { updateSettings } from '../../src/settings/settings.service';
import { createTestDatabase } from '../support/database';
import { testPrincipal } from '../support/principals';
import { World } from './support/world';

const D = '2026-03-04';
const admin = localAdministrator();
const Y10 = '2010-10-01';

describe('provider rules at their thresholds', () => {
  let db: Database;
  const w = new World(D);
  const unregistered = { registered: 'no' };
  const place = (provider: string, hours: number, pupil: Record<string, string> = {}) =>
    w.placement(w.pupil({ date_of_birth: Y10, ...pupil }), {
      start_date: addDays(D, -20),
      provider_ref: provider,
      hours_per_week: hours,
    });
  const providers = {
    five185: w.provider('UNREG-5', unregistered),
    five18: w.provider('UNREG-18', unregistered),
    four185: w.provider('UNREG-4', unregistered),
    registered: w.provider('REG-5'),
    lookedAfter: w.provider('UNREG-LA', unregistered),
    senSupport: w.provider('UNREG-SEN', unregistered),
    sixteenPlus: w.provider('UNREG-16', unregistered),
    training730: w.provider('DSL-730', {}, { dsl: { evidence_date: addDays(D, -730) } }),
    training731: w.provider('DSL-731', {}, { deputy_dsl: { evidence_date: addDays(D, -731) } }),
    limitBelow: w.provider('PL-BELOW', {}, { public_liability_insurance: { value_gbp: '4999999.99' } }),
    expiresToday: w.provider('EXP-TODAY', {}, { employers_liability_insurance: { expires_on: D } }),
    expiredYesterday: w.provider(
      'EXP-YDAY',
      {},
      { employers_liability_insurance: { expires_on: addDays(D, -1) } },
    ),
    professional: w.provider('PROF', { professional_services: 'yes' }),
    policyNa: w.provider('POL-NA', {}, { rse_policy: { status: 'not_applicable' } }),
    policyMissing: w.provider('POL-MISS', {}, { rse_policy: { status: 'missing' } }),
    late17: w.provider('LATE-17'),
    late18: w.provider('LATE-18'),
    late19records: w.provider('LATE-19'),
    visit365: w.provider('VISIT-365'),
    visit366: w.provider('VISIT-366'),
  };
  for (let i = 0; i < 5; i += 1) place(providers.five185, 18.5);
  for (let i = 0; i < 5; i += 1) place(providers.five18, 18);
  for (let i = 0; i < 4; i += 1) place(providers.four185, 18.5);
  for (let i = 0; i < 5; i += 1) place(providers.registered, 18.5);
  place(providers.lookedAfter, 18.5, { looked_after: 'yes' });
  place(providers.senSupport, 18.5, { sen_status: 'sen_support' });
  // Year 12 pupils are past compulsory school age: they do not count.
  for (let i = 0; i < 5; i += 1) {
    w.placement(w.pupil({ date_of_birth: '2009-01-01' }), {
      start_date: addDays(D, -20),
      provider_ref: providers.sixteenPlus,
      hours_per_week: 25,
    });
  }
  for (const p of [
    providers.training730,
    providers.training731,
    providers.limitBelow,
    providers.expiresToday,
    providers.expiredYesterday,
    providers.professional,
    providers.policyNa,
    providers.policyMissing,
    providers.visit365,
    providers.visit366,
  ]) {
    place(p, 10);
  }
  const b = (n: number) => Array<string>(n).fill('B');
  // 20 records in the 28 days up to D: 3 recorded late (85% on the day) against 2 (90%).
  w.marks(place(providers.late17, 10), addDays(D, -1), b(20), 3);
  w.marks(place(providers.late18, 10), addDays(D, -1), b(20), 2);
  w.marks(place(providers.late19records, 10), addDays(D, -1), b(19), 19);
  w.add(
    'provider_visits',
    { provider_ref: providers.visit365, visit_date: addDays(D, -365), visitor: 'la' },
    { provider_ref: providers.visit366, visit_date: addDays(D, -366), visitor: 'la' },
  );

  beforeAll(async () => {
    db = await createTestDatabase();
    await w.load(db);
    // Their recent visits are school visits only.
    await db.dataSource.query(
      `DELETE FROM provider_visit v USING provider p
       WHERE p.id = v.provider_id AND p.provider_ref IN ('VISIT-365', 'VISIT-366') AND v.visit_date = $1`,
      [addDays(D, -30)],
    );
  });
  afterAll(() => db.close());

  const keys = async (code: string, authority?: string) =>
    World.keys(await computeFlags(db.dataSource, admin, { asOf: D, codes: [code], authority }), code);

  it('UNREGISTERED_SCHOOL_RISK: 5 compulsory-age pupils over 18 h, or one looked after', async () => {
    const flagged = await keys('UNREGISTERED_SCHOOL_RISK');
    expect(flagged).toEqual(['UNREG-5', 'UNREG-LA']);
  });

  it('UNREGISTERED_SCHOOL_RISK: tells an analyst and a school its small counts of children as fewer than 5', async () => {
    const flags = await computeFlags(db.dataSource, admin, { asOf: D, codes: ['UNREGISTERED_SCHOOL_RISK'] });
    const reason = (fs: { subjectKey: string; reason: string }[]) =>
      fs.find((f) => f.subjectKey === 'UNREG-LA')?.reason ?? '';
    expect(reason(flags)).toMatch(/, 1 looked after,/);
    for (const who of [
      testPrincipal('analyst', { name: 'an' }),
      testPrincipal('school', { name: 'sch', schoolUrn: '900001' }),
    ]) {
      const told = reason(await visibleFlags(db.dataSource, who, flags));
      expect(told).toMatch(/, fewer than 5 looked after,/);
      expect(told).not.toMatch(/\b[1-4] (compulsory-age pupils|looked after|with an EHC plan)/);
    }
    const ownProvider = testPrincipal('provider', { name: 'pr', providerRef: 'UNREG-LA' });
    expect(reason(await visibleFlags(db.dataSource, ownProvider, flags))).toBe(reason(flags));
  });

  it('UNREGISTERED_SCHOOL_RISK: the any_sen criterion of the authority asked about', async () => {
    await updateSettings(db.dataSource, admin, '900', [
      { key: 'registrationSenCriterion', value: 'any_sen' },
    ]);
    try {
      expect(await keys('UNREGISTERED_SCHOOL_RISK', '900')).toContain('UNREG-SEN');
      // Across authorities the defaults (ehcp) apply.
      expect(await keys('UNREGISTERED_SCHOOL_RISK')).not.toContain('UNREG-SEN');
    } finally {
      await updateSettings(db.dataSource, admin, '900', [{ key: 'registrationSenCriterion', value: null }]);
    }
  });

  it('SAFEGUARDING_GAP: training 730 days old is fine, 731 is not', async () => {
    const flagged = await keys('SAFEGUARDING_GAP');
    expect(flagged).not.toContain('DSL-730');
    expect(flagged).toContain('DSL-731');
  });

  it('INSURANCE_GAP: limit below the minimum, expiry before the date, indemnity where professional', async () => {
    const flagged = await keys('INSURANCE_GAP');
    expect(flagged).toEqual(['EXP-YDAY', 'PL-BELOW', 'PROF']);
  });

  it('POLICIES_MISSING: missing counts, not applicable does not', async () => {
    expect(await keys('POLICIES_MISSING')).toEqual(['POL-MISS']);
  });

  it('LATE_ATTENDANCE_REPORTING: under 90% on the day, with at least 20 records', async () => {
    expect(await keys('LATE_ATTENDANCE_REPORTING')).toEqual(['LATE-17']);
  });

  it('MONITORING_VISIT_OVERDUE: an authority visit 365 days ago counts, 366 does not', async () => {
    const flagged = await keys('MONITORING_VISIT_OVERDUE');
    expect(flagged).not.toContain('VISIT-365');
    expect(flagged).toContain('VISIT-366');
    expect(await keys('HEALTH_SAFETY_CHECK_OVERDUE')).toEqual(['VISIT-365', 'VISIT-366']);
  });
});
