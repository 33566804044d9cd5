import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { addDays } from '../../src/domain/dates';
import { computeFlags } from '../../src/indicators/flags.service';
import { createTestDatabase } from '../support/database';
import { World } from './support/world';

const D = '2026-03-04'; // a Wednesday
const admin = localAdministrator();

describe('placement rules at their thresholds', () => {
  let db: Database;
  const w = new World(D);
  const pupil = () => w.pupil({ date_of_birth: '2010-10-01' });
  const pupil901 = () => w.pupil({ date_of_birth: '2010-10-01', la_code: '901', school_urn: '' });
  const five = 'MON-AM TUE-AM WED-AM THU-AM FRI-AM';
  const four = 'MON-AM TUE-AM WED-AM THU-AM';
  const pl = {
    duration84: w.placement(pupil(), { start_date: addDays(D, -84), type: 'part_time', sessions: five }),
    duration85: w.placement(pupil(), { start_date: addDays(D, -85), type: 'part_time', sessions: five }),
    duration85Light: w.placement(pupil(), { start_date: addDays(D, -85), type: 'full_time', sessions: four }),
    inSchoolLong: w.placement(pupil(), { start_date: addDays(D, -300), type: 'in_school' }),
    review42: w.placement(pupil(), { start_date: addDays(D, -100) }),
    review43: w.placement(pupil(), { start_date: addDays(D, -100) }),
    reviewEvery8: w.placement(pupil(), { start_date: addDays(D, -100), review_every_weeks: 8 }),
    neverReviewed: w.placement(pupil(), { start_date: addDays(D, -43) }),
    checksOnStart: w.placement(pupil(), { start_date: addDays(D, -10) }),
    checksAfterStart: w.placement(pupil(), { start_date: addDays(D, -10), checks_date: addDays(D, -9) }),
    checkNotDone: w.placement(pupil(), { start_date: addDays(D, -10), safeguarding_checked: 'no' }),
    agreementAfterStart: w.placement(pupil(), {
      start_date: addDays(D, -10),
      parental_agreement_date: addDays(D, -9),
    }),
    plannedEndToday: w.placement(pupil(), { start_date: addDays(D, -10), planned_end_date: D }),
    plannedEndYesterday: w.placement(pupil(), {
      start_date: addDays(D, -10),
      planned_end_date: addDays(D, -1),
    }),
    noPlannedEnd: w.placement(pupil(), { start_date: addDays(D, -10), planned_end_date: '' }),
    noCriteria: w.placement(pupil(), { start_date: addDays(D, -10), success_criteria: '' }),
    fullTimeNoCore: w.placement(pupil(), {
      start_date: addDays(D, -10),
      type: 'full_time',
      core_subjects: 'no',
    }),
    reported: w.placement(pupil(), { start_date: addDays(D, -30) }),
    oneMissing: w.placement(pupil(), { start_date: addDays(D, -30) }),
    lateRecord: w.placement(pupil(), { start_date: '2026-02-25' }),
    patternOnly: w.placement(pupil(), { start_date: addDays(D, -30), sessions: 'MON-AM' }),
    startedYesterday: w.placement(pupil(), { start_date: addDays(D, -1) }),
    closureCovered: w.placement(pupil901(), { start_date: addDays(D, -60) }),
  };
  w.add('reviews', { placement_ref: pl.review42, review_date: addDays(D, -42) });
  w.add('reviews', { placement_ref: pl.review43, review_date: addDays(D, -43) });
  w.add('reviews', { placement_ref: pl.reviewEvery8, review_date: addDays(D, -50) });
  const codes10 = Array<string>(10).fill('B');
  // The five weekdays before Wednesday 4 March: 25, 26, 27 February, 2 and 3 March.
  w.marks(pl.reported, addDays(D, -1), codes10);
  w.marks(pl.oneMissing, addDays(D, -1), codes10.slice(1));
  // lateRecord: on time up to Monday 2 March; Tuesday 3 March recorded on Thursday 5 March.
  w.marks(pl.lateRecord, '2026-03-02', codes10.slice(2));
  w.marks(pl.lateRecord, D, ['B', 'B']);
  for (const session of ['AM', 'PM']) {
    w.add('attendance', {
      placement_ref: pl.lateRecord,
      date: '2026-03-03',
      session,
      code: 'B',
      recorded_at: '2026-03-05T09:00:00Z',
    });
  }
  w.add('attendance', {
    placement_ref: pl.patternOnly,
    date: '2026-03-02',
    session: 'AM',
    code: 'B',
    recorded_at: '2026-03-02T09:00:00Z',
  });
  // Authority 901: a term, closed for the week before D, so its last five school days are 16-20 February.
  w.add(
    'calendar',
    { la_code: '901', start_date: '2026-01-05', end_date: '2026-03-27', kind: 'term' },
    { la_code: '901', start_date: '2026-02-23', end_date: '2026-03-03', kind: 'closure' },
  );
  w.marks(pl.closureCovered, '2026-02-20', codes10);

  beforeAll(async () => {
    db = await createTestDatabase();
    await w.load(db);
  });
  afterAll(() => db.close());

  const keys = async (code: string, asOf = D) =>
    World.keys(await computeFlags(db.dataSource, admin, { asOf, codes: [code] }), code);

  it('DURATION_LIMIT_EXCEEDED past 12 weeks (84 days) with more than 4 sessions, never in school', async () => {
    const flagged = await keys('DURATION_LIMIT_EXCEEDED');
    expect(flagged).not.toContain(pl.duration84);
    expect(flagged).toContain(pl.duration85);
    expect(flagged).not.toContain(pl.duration85Light);
    expect(flagged).not.toContain(pl.inSchoolLong);
  });

  it('REVIEW_OVERDUE after more than the interval since the latest review or the start', async () => {
    const flagged = await keys('REVIEW_OVERDUE');
    expect(flagged).not.toContain(pl.review42);
    expect(flagged).toContain(pl.review43);
    expect(flagged).not.toContain(pl.reviewEvery8);
    expect(flagged).toContain(pl.neverReviewed);
    expect(flagged).not.toContain(pl.checksOnStart);
  });

  it('CHECKS_MISSING and NO_PARENTAL_AGREEMENT when after the start or not done', async () => {
    const checks = await keys('CHECKS_MISSING');
    expect(checks).not.toContain(pl.checksOnStart);
    expect(checks).toContain(pl.checksAfterStart);
    expect(checks).toContain(pl.checkNotDone);
    const agreement = await keys('NO_PARENTAL_AGREEMENT');
    expect(agreement).toContain(pl.agreementAfterStart);
    expect(agreement).not.toContain(pl.checksOnStart);
  });

  it('OVERRUN once the planned end has passed; NO_PLANNED_END; NO_PLAN; CORE_SUBJECTS_MISSING', async () => {
    const overrun = await keys('OVERRUN');
    expect(overrun).not.toContain(pl.plannedEndToday);
    expect(overrun).toContain(pl.plannedEndYesterday);
    expect(await keys('NO_PLANNED_END')).toEqual([pl.noPlannedEnd]);
    expect(await keys('NO_PLAN')).toEqual([pl.noCriteria]);
    expect(await keys('CORE_SUBJECTS_MISSING')).toEqual([pl.fullTimeNoCore]);
  });

  it('ATTENDANCE_NOT_REPORTED over the last 5 school days of the pupil’s authority, as known on the date', async () => {
    const flagged = await keys('ATTENDANCE_NOT_REPORTED');
    expect(flagged).not.toContain(pl.reported);
    expect(flagged).toContain(pl.oneMissing);
    expect(flagged).not.toContain(pl.patternOnly);
    expect(flagged).not.toContain(pl.closureCovered);
    // Started on Tuesday: only Tuesday's two sessions were expected, and none was recorded.
    expect(flagged).toContain(pl.startedYesterday);
    // Tuesday's marks were recorded on Thursday: missing as of Wednesday, there as of Thursday.
    expect(flagged).toContain(pl.lateRecord);
    expect(await keys('ATTENDANCE_NOT_REPORTED', '2026-03-05')).not.toContain(pl.lateRecord);
  });
});
