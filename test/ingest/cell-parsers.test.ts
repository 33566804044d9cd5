import { isIsoDate, londonDate } from '../../src/domain/dates';
import {
  boolean,
  CellProblem,
  date,
  hours,
  memoised,
  oneOf,
  pounds,
  sessionPattern,
  timestamp,
} from '../../src/ingest/cell-parsers';
import { errorsCsv } from '../../src/ingest/errors-csv';
import { londonWallToUtc } from '../../src/ingest/london-time';

function problem(parse: (raw: string) => string, raw: string): string {
  try {
    return `accepted ${parse(raw)}`;
  } catch (err) {
    if (err instanceof CellProblem) return err.message;
    throw err;
  }
}

/** The London wall-clock fields of an instant, as UTC-epoch milliseconds, by Intl (the reference). */
function londonWall(utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
}

describe('cell parsers', () => {
  it('booleans in every spelling, any case', () => {
    for (const raw of ['true', 'TRUE', 'yes', 'Y', '1']) expect(boolean(raw)).toBe('t');
    for (const raw of ['false', 'No', 'n', '0']) expect(boolean(raw)).toBe('f');
    expect(problem(boolean, 'maybe')).toBe('a yes/no value is one of true/false, yes/no, y/n, 1/0');
  });

  it('enumerations match any case and store the spelling of the spec', () => {
    const gender = oneOf(['F', 'M', 'X']);
    expect(gender('f')).toBe('F');
    expect(problem(gender, 'female')).toBe('must be one of: F, M, X');
    expect(sessionPattern('fri-pm  mon-am MON-AM')).toBe('MON-AM FRI-PM');
    expect(problem(sessionPattern, 'SAT-AM')).toMatch(/^unknown session SAT-AM/);
  });

  it('enumerations written as the spec spells them are taken as they are', () => {
    expect(oneOf(['AM', 'PM'])('PM')).toBe('PM');
    expect(oneOf(['AM', 'PM'])('pm')).toBe('PM');
    expect(problem(oneOf(['AM', 'PM']), 'PM ')).toBe('must be one of: AM, PM');
  });

  it('dates: the quick check of the characters agrees with isIsoDate, odd years and days included', () => {
    for (const year of [0, 1, 99, 100, 999, 1000, 1582, 1600, 1900, 2000, 2024, 2025, 2100, 9999])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const raw = [String(year).padStart(4, '0'), month, day]
            .map((n) => String(n).padStart(2, '0'))
            .join('-');
          const expected = isIsoDate(raw) ? `accepted ${raw}` : `${raw} is not a date that exists`;
          expect(problem(date, raw)).toBe(expected);
        }
    for (const raw of [
      '2026-1-05',
      '2026-01-05 ',
      '2026/01/05',
      '\uff12026-01-05',
      '2026-01-0x',
      '+026-01-05',
      '20260105',
    ])
      expect(problem(date, raw)).toBe('a date is written YYYY-MM-DD or DD/MM/YYYY');
  });

  it("memoised parsers give the parser's answers and refusals, the second time from memory", () => {
    let calls = 0;
    const parse = memoised((raw) => {
      calls++;
      if (raw === 'bad') throw new CellProblem('not this one');
      if (raw === 'boom') throw new Error('a bug');
      return raw === 'same' ? raw : raw.toUpperCase();
    }, 3);
    for (let i = 0; i < 2; i++) {
      expect(parse('same')).toBe('same');
      expect(problem(parse, 'bad')).toBe('not this one');
      expect(parse('x')).toBe('X');
    }
    expect(calls).toBe(3);
    // Full: the memo starts again.
    expect(parse('__proto__')).toBe('__PROTO__');
    expect(parse('same')).toBe('same');
    expect(calls).toBe(5);
    expect(parse('constructor')).toBe('CONSTRUCTOR');
    expect(() => parse('boom')).toThrow('a bug');
  });

  it('dates must exist', () => {
    expect(date('2024-02-29')).toBe('2024-02-29');
    expect(problem(date, '2025-02-29')).toBe('2025-02-29 is not a date that exists');
    expect(problem(date, '2025-2-1')).toBe('a date is written YYYY-MM-DD or DD/MM/YYYY');
  });

  it('money is pounds with optional pence, stored as integer pence', () => {
    expect(pounds('120')).toBe('12000');
    expect(pounds('120.5')).toBe('12050');
    expect(pounds('5000000.99')).toBe('500000099');
    for (const raw of ['£120', '1,000', '-5', '1.234'])
      expect(problem(pounds, raw)).toMatch(/^money is pounds/);
  });

  it('hours between 0 and 40', () => {
    expect(hours('0')).toBe('0');
    expect(hours('40')).toBe('40');
    expect(hours('12.25')).toBe('12.25');
    expect(problem(hours, '40.01')).toBe('hours outside 0 to 40');
    expect(problem(hours, '-0.5')).toBe('hours outside 0 to 40');
    expect(problem(hours, 'ten')).toBe('hours are a number such as 12.5');
  });

  it('timestamps with an offset keep it; without one they are London time', () => {
    expect(timestamp('2026-01-12T09:10:00Z')).toBe('2026-01-12T09:10:00+00:00');
    expect(timestamp('2026-04-14T09:40:00+01:00')).toBe('2026-04-14T09:40:00+01:00');
    expect(timestamp('2026-04-14 09:40')).toBe('2026-04-14T08:40:00.000Z');
    expect(timestamp('2026-01-14T09:40:05')).toBe('2026-01-14T09:40:05.000Z');
    expect(problem(timestamp, '2026-02-30T09:00:00Z')).toBe('2026-02-30 is not a date that exists');
    expect(problem(timestamp, '2026-01-12T24:00:00Z')).toBe('2026-01-12T24:00:00Z is not a time that exists');
    expect(problem(timestamp, '2026/01/12 09:00')).toMatch(/ISO 8601/);
  });

  it('London wall time agrees with the time-zone database every hour of 2025 and 2026', () => {
    for (let utc = Date.UTC(2025, 0, 1); utc < Date.UTC(2027, 0, 1); utc += 3_600_000) {
      const wall = londonWall(utc);
      const back = londonWallToUtc(wall);
      // In the repeated autumn hour the first (BST) instant is chosen; it shows the same wall time.
      expect(londonWall(back)).toBe(wall);
      if (back !== utc) expect(back).toBe(utc - 3_600_000);
    }
    expect(londonDate(new Date(londonWallToUtc(Date.UTC(2026, 5, 30, 23, 30))))).toBe('2026-06-30');
  });
});

describe('the errors CSV', () => {
  it('quotes per RFC 4180 and keeps spreadsheet formulas inert', () => {
    const csv = errorsCsv([
      { line: 2, column: 'name', value: 'a "b", c', reason: 'x' },
      { line: 3, column: 'hours_per_week', value: '-1', reason: 'hours outside 0 to 40' },
      { line: 4, column: 'notes', value: '=HYPERLINK("http://x")', reason: 'y' },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'line,column,value,reason',
      '2,name,"a ""b"", c",x',
      "3,hours_per_week,'-1,hours outside 0 to 40",
      `4,notes,"'=HYPERLINK(""http://x"")",y`,
      '',
    ]);
  });
});
