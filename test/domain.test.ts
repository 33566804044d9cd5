import {
  academicYearStart,
  addDays,
  daysBetween,
  isCompulsoryAge,
  isIsoDate,
  keyStage,
  lastFridayOfJune,
  londonDate,
  ncYear,
} from '../src/domain/dates';
import { isValidUpn, makeUpn, upnProblem } from '../src/domain/upn';
import { POLICY_ITEMS } from '../src/entities/provider-evidence.entity';

describe('UPN check letter', () => {
  it.each([
    ['B801200005001', true],
    ['A801200005001', false],
    ['P207000016049', true],
    ['L802200025000', true],
    ['B80120000500', false],
    ['I801200005001', false],
  ])('%s valid: %s', (upn, valid) => {
    expect(isValidUpn(upn)).toBe(valid);
  });

  it('says what is wrong', () => {
    expect(upnProblem('A801200005001')).toBe('check letter is A, expected B');
  });

  it('makes valid UPNs, including temporary ones ending in a letter', () => {
    expect(makeUpn('801200005001')).toBe('B801200005001');
    expect(isValidUpn(makeUpn('80120000500A'))).toBe(true);
  });
});

describe('dates', () => {
  it('rejects days that do not exist', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('26-01-01')).toBe(false);
  });

  it('counts calendar days across the clock change', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(addDays('2026-03-01', 42)).toBe('2026-04-12');
  });

  it('derives the national curriculum year: born 31 August and 1 September', () => {
    expect(ncYear('2010-08-31', '2025-10-01')).toBe(11);
    expect(ncYear('2010-09-01', '2025-10-01')).toBe(10);
    expect(ncYear('2009-09-01', '2026-03-02')).toBe(11);
    expect(ncYear('2020-09-01', '2025-09-01')).toBe(0);
    expect(academicYearStart('2026-08-31')).toBe(2025);
    expect(academicYearStart('2026-09-01')).toBe(2026);
  });

  it('maps years to key stages', () => {
    expect([0, 1, 2, 3, 6, 7, 9, 10, 11, 12].map(keyStage)).toEqual([
      null,
      'KS1',
      'KS1',
      'KS2',
      'KS2',
      'KS3',
      'KS3',
      'KS4',
      'KS4',
      null,
    ]);
  });

  it('ends compulsory age for Year 11 after the last Friday of June', () => {
    expect(lastFridayOfJune(2026)).toBe('2026-06-26');
    expect(isCompulsoryAge('2009-09-01', '2026-06-26')).toBe(true);
    expect(isCompulsoryAge('2009-09-01', '2026-06-27')).toBe(false);
    expect(isCompulsoryAge('2019-09-01', '2026-06-27')).toBe(true);
    expect(isCompulsoryAge('2020-09-01', '2026-06-27')).toBe(false);
  });

  it('takes the Europe/London date of an instant', () => {
    expect(londonDate(new Date('2026-06-01T23:30:00Z'))).toBe('2026-06-02');
    expect(londonDate(new Date('2026-01-12T23:30:00Z'))).toBe('2026-01-12');
  });
});

describe('appendix 1 policy items', () => {
  it('are the 13 items from single central record to complaints procedure', () => {
    expect(POLICY_ITEMS).toHaveLength(13);
    expect([POLICY_ITEMS[0], POLICY_ITEMS[12]]).toEqual(['single_central_record', 'complaints_procedure']);
    expect(POLICY_ITEMS).not.toContain('dsl');
  });
});
