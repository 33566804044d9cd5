import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { addDays } from '../../src/domain/dates';
import { computeFlags } from '../../src/indicators/flags.service';
import { importFile } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { World } from './support/world';

const D = '2026-03-04'; // a Wednesday in 2025/26
const KS4 = '2010-10-01'; // Year 10 in 2025/26
const admin = localAdministrator();
const present = (n: number) => Array<string>(n).fill('B');

describe('pupil rules at their thresholds', () => {
  let db: Database;
  const w = new World(D);
  const p = {
    hours245: w.pupil({ date_of_birth: KS4 }),
    hours25: w.pupil({ date_of_birth: KS4 }),
    hours255: w.pupil({ date_of_birth: KS4 }),
    twoPlacements25: w.pupil({ date_of_birth: KS4 }),
    partTime42: w.pupil({ date_of_birth: KS4 }),
    partTime43: w.pupil({ date_of_birth: KS4 }),
    nineSessions: w.pupil({ date_of_birth: KS4 }),
    tenPercent: w.pupil({ date_of_birth: KS4 }),
    belowTenPercent: w.pupil({ date_of_birth: KS4 }),
    fortyPercent: w.pupil({ date_of_birth: KS4 }),
    fiftyPercent: w.pupil({ date_of_birth: KS4 }),
    sixUnexplained: w.pupil({ date_of_birth: KS4 }),
    fiveUnexplained: w.pupil({ date_of_birth: KS4 }),
    sixAroundNotCounted: w.pupil({ date_of_birth: KS4 }),
    sixOverTwoPlacements: w.pupil({ date_of_birth: KS4 }),
    fiveOverTwoPlacements: w.pupil({ date_of_birth: KS4 }),
    explainedInShorterPlacement: w.pupil({ date_of_birth: KS4 }),
    explainedInEarlierPlacement: w.pupil({ date_of_birth: KS4 }),
    corrected: w.pupil({ date_of_birth: KS4 }),
    year11NoRoll: w.pupil({ date_of_birth: '2010-01-15', school_urn: '' }),
    bornAug31: w.pupil({ date_of_birth: '2021-08-31', school_urn: '' }),
    bornSep1: w.pupil({ date_of_birth: '2021-09-01', school_urn: '' }),
    homeEducated: w.pupil({ date_of_birth: '2015-01-01', school_urn: '', home_educated: 'yes' }),
    riskThree: w.pupil({ date_of_birth: KS4, fsm: 'yes' }),
    riskFour: w.pupil({ date_of_birth: KS4, fsm: 'yes', sen_status: 'sen_support' }),
    leaverNoDestination: w.pupil({ date_of_birth: '2010-03-01' }), // Year 11 in 2025/26, Year 12 in 2026/27
    leaverNeet: w.pupil({ date_of_birth: '2010-03-01' }),
  };
  const start = addDays(D, -100);
  w.placement(p.hours245, { start_date: start, hours_per_week: 20, school_hours_per_week: 4.5 });
  w.placement(p.hours25, { start_date: start, hours_per_week: 20, school_hours_per_week: 5 });
  w.placement(p.hours255, { start_date: start, hours_per_week: 25.5 });
  // 10 + 10 at providers plus the larger of the two school-hours figures (5): 25, full time at KS4.
  w.placement(p.twoPlacements25, { start_date: start, hours_per_week: 10, school_hours_per_week: 3 });
  w.placement(p.twoPlacements25, { start_date: start, hours_per_week: 10, school_hours_per_week: 5 });
  w.placement(p.partTime42, { start_date: addDays(D, -42), hours_per_week: 10 });
  w.placement(p.partTime43, { start_date: addDays(D, -43), hours_per_week: 10 });
  const day = addDays(D, -1);
  w.marks(w.placement(p.nineSessions, { start_date: start }), day, [...present(8), 'O']);
  w.marks(w.placement(p.tenPercent, { start_date: start }), day, [...present(9), 'I']);
  w.marks(w.placement(p.belowTenPercent, { start_date: start }), day, [...present(10), 'I']);
  w.marks(w.placement(p.fortyPercent, { start_date: start }), day, [...present(6), 'I', 'I', 'O', 'G']);
  w.marks(w.placement(p.fiftyPercent, { start_date: start }), day, [...present(5), 'I', 'I', 'O', 'G', 'E']);
  w.marks(w.placement(p.sixUnexplained, { start_date: start }), day, ['B', 'N', 'O', 'N', 'O', 'N', 'O']);
  w.marks(w.placement(p.fiveUnexplained, { start_date: start }), day, ['N', 'B', 'O', 'N', 'O', 'N', 'O']);
  w.marks(w.placement(p.sixAroundNotCounted, { start_date: start }), day, [
    'B',
    'O',
    'O',
    'O',
    'Y1',
    'O',
    'O',
    'O',
  ]);
  // a placement from `start` that ended on `last`, with `codes` its last sessions
  const ended = (upn: string, last: string, codes: string[]) =>
    w.marks(w.placement(upn, { start_date: start, end_date: last }), last, codes);
  // Across placements: the latest possible sessions are the pupil's, whichever placement holds them.
  // Two N/O at the end of an ended placement, then four in the next: six (one and four: five).
  ended(p.sixOverTwoPlacements, addDays(D, -20), ['B', 'N', 'O']);
  w.marks(w.placement(p.sixOverTwoPlacements, { start_date: addDays(D, -13) }), day, ['N', 'O', 'N', 'O']);
  ended(p.fiveOverTwoPlacements, addDays(D, -20), ['B', 'N']);
  w.marks(w.placement(p.fiveOverTwoPlacements, { start_date: addDays(D, -13) }), day, ['N', 'O', 'N', 'O']);
  // The placement with the latest marks has its explained session (B) seven sessions back, but a
  // placement whose marks end a day earlier has a B on that day: two N/O after it, not six.
  w.marks(w.placement(p.explainedInShorterPlacement, { start_date: start }), day, [
    'B',
    'N',
    'O',
    'N',
    'O',
    'N',
    'O',
  ]);
  ended(p.explainedInShorterPlacement, addDays(D, -2), ['B']);
  // Six N/O at the end of the latest placement, after a B in an earlier one: flagged (the earlier
  // placement cannot hold a later session).
  ended(p.explainedInEarlierPlacement, addDays(D, -30), ['B']);
  w.marks(w.placement(p.explainedInEarlierPlacement, { start_date: addDays(D, -13) }), day, [
    'N',
    'O',
    'N',
    'O',
    'N',
    'O',
  ]);
  const correctedRef = w.placement(p.corrected, { start_date: start });
  w.marks(correctedRef, day, present(10));
  w.placement(p.riskThree, { start_date: start });
  w.placement(p.riskFour, { start_date: start });
  w.placement(p.leaverNoDestination, { start_date: start });
  w.placement(p.leaverNeet, { start_date: start });
  w.add(
    'destinations',
    { upn: p.leaverNeet, recorded_on: '2026-10-01', activity: 'neet' },
    { upn: p.leaverNeet, recorded_on: '2026-12-01', activity: 'education' },
  );

  beforeAll(async () => {
    db = await createTestDatabase();
    await w.load(db);
    // Two of the ten sessions corrected to O five days after D: as of D the hub still saw B.
    const correction = [
      'placement_ref,date,session,code,recorded_at',
      `${correctedRef},${day},AM,O,${addDays(D, 5)}T10:00:00Z`,
      `${correctedRef},${day},PM,O,${addDays(D, 5)}T10:00:00Z`,
    ].join('\n');
    const result = await importFile(db, admin, 'attendance', { content: Buffer.from(correction) });
    expect(result.errors).toEqual([]);
  });
  afterAll(() => db.close());

  const keys = async (asOf: string, code: string) =>
    World.keys(await computeFlags(db.dataSource, admin, { asOf, codes: [code] }), code);

  it('REDUCED_EDUCATION below full time for the key stage, counting the largest school hours once', async () => {
    const flagged = await keys(D, 'REDUCED_EDUCATION');
    expect(flagged).toContain(p.hours245);
    expect(flagged).not.toContain(p.hours25);
    expect(flagged).not.toContain(p.hours255);
    expect(flagged).not.toContain(p.twoPlacements25);
    const [flag] = (
      await computeFlags(db.dataSource, admin, { asOf: D, codes: ['REDUCED_EDUCATION'] })
    ).filter((f) => f.subjectKey === p.partTime42);
    expect(flag.reason).toBe('10 h a week in total; full time at KS4 is 25 h');
  });

  it('PART_TIME_TOO_LONG after more than 6 weeks: 42 days no, 43 days yes', async () => {
    const flagged = await keys(D, 'PART_TIME_TOO_LONG');
    expect(flagged).not.toContain(p.partTime42);
    expect(flagged).toContain(p.partTime43);
  });

  it('PERSISTENT_ABSENCE from 10% with at least 10 possible sessions', async () => {
    const flagged = await keys(D, 'PERSISTENT_ABSENCE');
    expect(flagged).not.toContain(p.nineSessions);
    expect(flagged).toContain(p.tenPercent);
    expect(flagged).not.toContain(p.belowTenPercent);
    expect(flagged).toContain(p.fortyPercent);
  });

  it('SEVERE_ABSENCE from 50%', async () => {
    const flagged = await keys(D, 'SEVERE_ABSENCE');
    expect(flagged).toContain(p.fiftyPercent);
    expect(flagged).not.toContain(p.fortyPercent);
  });

  it('UNEXPLAINED_ABSENCE when the latest 6 possible sessions are N or O, skipping not-counted codes', async () => {
    const flagged = await keys(D, 'UNEXPLAINED_ABSENCE');
    expect(flagged).toContain(p.sixUnexplained);
    expect(flagged).not.toContain(p.fiveUnexplained);
    expect(flagged).toContain(p.sixAroundNotCounted);
  });

  it("UNEXPLAINED_ABSENCE counts the pupil's sessions over all their placements", async () => {
    const flagged = await keys(D, 'UNEXPLAINED_ABSENCE');
    expect(flagged).toContain(p.sixOverTwoPlacements);
    expect(flagged).not.toContain(p.fiveOverTwoPlacements);
    expect(flagged).not.toContain(p.explainedInShorterPlacement);
    expect(flagged).toContain(p.explainedInEarlierPlacement);
  });

  it('sees an attendance correction only from the date it was recorded', async () => {
    expect(await keys(D, 'PERSISTENT_ABSENCE')).not.toContain(p.corrected);
    expect(await keys(addDays(D, 5), 'PERSISTENT_ABSENCE')).toContain(p.corrected);
  });

  it('NOT_ON_ROLL: Year 11 leaves compulsory age after the last Friday of June (26 June 2026)', async () => {
    expect(await keys('2026-06-26', 'NOT_ON_ROLL')).toContain(p.year11NoRoll);
    expect(await keys('2026-06-27', 'NOT_ON_ROLL')).not.toContain(p.year11NoRoll);
    expect(await keys(D, 'NOT_ON_ROLL')).not.toContain(p.homeEducated);
  });

  it('NOT_ON_ROLL: born 31 August is Year 1 at five, born 1 September still in Reception', async () => {
    const flagged = await keys('2026-11-03', 'NOT_ON_ROLL');
    expect(flagged).toContain(p.bornAug31);
    expect(flagged).not.toContain(p.bornSep1);
  });

  it('NEET_RISK at a score of 4 (AP 1 + FSM 2 + SEN support 1), not at 3', async () => {
    const flagged = await keys(D, 'NEET_RISK');
    expect(flagged).toContain(p.riskFour);
    expect(flagged).not.toContain(p.riskThree);
  });

  it('DESTINATION_NOT_KNOWN in Year 12 from 1 November', async () => {
    expect(await keys('2026-10-31', 'DESTINATION_NOT_KNOWN')).not.toContain(p.leaverNoDestination);
    expect(await keys('2026-11-01', 'DESTINATION_NOT_KNOWN')).toContain(p.leaverNoDestination);
  });

  it('NEET from the latest destination recorded on or before the date', async () => {
    expect(await keys('2026-11-03', 'NEET')).toContain(p.leaverNeet);
    expect(await keys('2026-12-01', 'NEET')).not.toContain(p.leaverNeet);
    expect(await keys('2026-11-03', 'DESTINATION_NOT_KNOWN')).not.toContain(p.leaverNeet);
  });
});
