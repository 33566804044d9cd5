import { localAdministrator, Principal } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { Cell, cellText, ReportDocument, Table, tablesOf } from '../../src/reports/documents/document';
import { buildGovernorReport, loadGovernorReport } from '../../src/reports/documents/governor.document';
import { buildReport } from '../../src/reports/documents/index';
import {
  buildProviderScorecard,
  loadProviderScorecard,
  median,
} from '../../src/reports/documents/provider-scorecard.document';
import { createTestDatabase } from '../support/database';
import { testPrincipal } from '../support/principals';
import { AS_OF, FROM, loadScenario, Scenario } from './support/scenario';

const admin = localAdministrator('test');
const governor: Principal = testPrincipal('governor', {
  name: 'gov',
  authorities: ['900'],
  schoolUrn: '900001',
});
const analyst: Principal = testPrincipal('analyst', { name: 'an', authorities: ['900'] });

function table(doc: ReportDocument, name: string): Table {
  const t = tablesOf(doc).find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}

/** The printed value of the row whose first cell is `label`, column `col`. */
function value(t: Table, label: string, col = 1): string {
  const row = t.rows.find((r) => r[0] === label);
  if (!row) throw new Error(`no row ${label} in ${t.name}`);
  return cellText(row[col] as Cell);
}

/** Every string a document holds, for looking for what must not be there. */
function allText(doc: ReportDocument): string {
  return JSON.stringify(doc);
}

describe('report documents on a known scenario', () => {
  let db: Database;
  let scenario: Scenario;
  beforeAll(async () => {
    db = await createTestDatabase();
    scenario = await loadScenario(db);
  });
  afterAll(() => db.close());

  describe('governor report', () => {
    it("gives the school's aggregates over the period, small numbers suppressed", async () => {
      const doc = buildGovernorReport(
        await loadGovernorReport(db, admin, { asOf: AS_OF, schoolUrn: '900001', from: FROM }),
      );
      expect(doc.kind).toBe('governor');
      expect(doc.period).toEqual({ from: FROM, to: AS_OF });
      const outcomes = table(doc, 'Outcomes');
      expect(value(outcomes, 'Attendance rate')).toBe('87.5%'); // 105 of 120 sessions
      // 4 of 6 pupils: the share and its 6 would give the count of 4 back
      expect(value(outcomes, 'Persistent absence rate')).toBe('suppressed');
      expect(value(outcomes, 'All targets met')).toBe('50.0%'); // 3 of 6
      expect(value(outcomes, 'Attendance targets met')).toBe('suppressed'); // over 2 targets
      expect(value(outcomes, 'Placements ended in the period')).toBe('0');
      const placements = table(doc, 'Placements');
      expect(value(placements, 'In school')).toBe('6');
      expect(value(placements, 'Full time')).toBe('0');
      // the leaver's placement ended before the period, so it is not one of the period's placements
      expect(value(placements, 'All placements')).toBe('6');
      const destinations = table(doc, 'Destinations');
      expect(value(destinations, 'Education')).toBe('suppressed'); // 1 leaver
      expect(value(destinations, 'All leavers')).toBe('suppressed');
      const cost = table(doc, 'Cost');
      // 6 placements x £100 a week x 75 days / 7
      expect(value(cost, 'Cost of the placements in the period')).toBe('£6,428.57');
      expect(value(cost, 'Cost per pupil-week')).toBe('£100.00');
      const months = table(doc, 'Attendance by month');
      expect(months.rows.map((r) => [r[0], cellText(r[1])])).toEqual([['2026-11', '87.5%']]);
      expect(doc.suppressionNotes.join(' ')).toMatch(/1 to 4/);
      expect(doc.definitions.length).toBeGreaterThan(3);
    });

    it('names no pupil, UPN or date of birth, whoever makes it', async () => {
      for (const who of [admin, governor]) {
        const text = allText(
          buildGovernorReport(await loadGovernorReport(db, who, { asOf: AS_OF, schoolUrn: '900001' })),
        );
        for (const p of scenario.identities) {
          expect(text).not.toContain(p.upn);
          expect(text).not.toContain(p.firstName);
          expect(text).not.toContain(p.lastName);
          expect(text).not.toContain(p.dateOfBirth);
        }
      }
    });

    it('is refused for a school outside the caller’s authorities, and a missing school is NOT_FOUND', async () => {
      const elsewhere: Principal = { ...governor, authorities: ['901'], schoolUrn: '900002' };
      await expect(
        loadGovernorReport(db, elsewhere, { asOf: AS_OF, schoolUrn: '900001' }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(loadGovernorReport(db, admin, { asOf: AS_OF, schoolUrn: '999999' })).rejects.toMatchObject(
        {
          code: 'NOT_FOUND',
        },
      );
      await expect(
        loadGovernorReport(db, admin, {
          asOf: AS_OF,
          schoolUrn: '900001',
          from: '2026-11-30',
          to: '2026-11-01',
        }),
      ).rejects.toMatchObject({ code: 'INVALID_RANGE' });
    });
  });

  describe('provider scorecard', () => {
    it('puts each measure beside the framework median', async () => {
      const doc = buildProviderScorecard(
        await loadProviderScorecard(db, admin, {
          asOf: AS_OF,
          providerRef: 'PRV-B',
          authority: '900',
          from: FROM,
        }),
      );
      const card = table(doc, 'Scorecard');
      expect(card.columns.map((c) => c.header)).toEqual([
        'Measure',
        'This provider',
        'Out of',
        'Framework median',
      ]);
      expect(value(card, 'Pupils')).toBe('5');
      expect(value(card, 'Attendance rate')).toBe('100.0%');
      // 12 of 20 sessions a pupil recorded on the day at PRV-B, all at PRV-OK: median of 0.6 and 1
      expect(value(card, 'Attendance reported on the day')).toBe('60.0%');
      expect(value(card, 'Attendance reported on the day', 3)).toBe('80.0%');
      // attendance 100% here, 87.5% at PRV-OK
      expect(value(card, 'Attendance rate', 3)).toBe('93.8%');
      expect(value(card, 'Cost per pupil-week')).toBe('£100.00');
      expect(table(doc, 'Evidence').rows.length).toBeGreaterThan(10);
      // 60 of its 100 records in the 28 days were on the day: the flag and its reason
      expect(table(doc, 'Compliance flags').rows).toEqual([
        [
          'Late attendance reporting',
          '60 of 100 attendance records of the last 28 days (60%) recorded on the day of the session; expected 90%',
        ],
      ]);
      expect(table(doc, 'Visits').rows).toHaveLength(1);
    });

    // a school's figures count other schools' pupils, and the flags' reasons the provider's children
    const school = testPrincipal('school', { name: 'sch', authorities: ['900'], schoolUrn: '900002' });
    it.each([
      ['an analyst', analyst],
      ['a school', school],
    ])('gives %s suppressed figures and no flag reasons', async (_who, reader) => {
      const data = await loadProviderScorecard(db, reader, {
        asOf: AS_OF,
        providerRef: 'PRV-OK',
        authority: '900',
      });
      expect(data.flags).toBeNull();
      const doc = buildProviderScorecard(data);
      expect(value(table(doc, 'Scorecard'), 'Year 11 leavers')).toBe('suppressed');
      expect(table(doc, 'Compliance flags').empty).toMatch(/aggregates only/);
      expect(doc.suppressionNotes[0]).toMatch(/Disclosure control applies/);
    });

    it('has the median of the published values', () => {
      expect(median([3, null, 1, 2])).toBe(2);
      expect(median([4, 1, 2, 3])).toBe(2.5);
      expect(median([null])).toBeNull();
    });
  });

  it('buildReport checks what each kind needs', async () => {
    await expect(buildReport(db, admin, { kind: 'governor', asOf: AS_OF })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(
      buildReport(db, admin, { kind: 'provider', asOf: AS_OF, providerRef: 'NOPE' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      buildReport(db, governor, { kind: 'la', asOf: AS_OF, authority: '900' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
