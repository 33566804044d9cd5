import { addDays, dayOfWeek, IsoDate, isWeekday } from '../domain/dates';
import { DemoRow } from './columns';

/**
 * Term dates that look like English local authorities' published ones: autumn term from early
 * September to the Friday before Christmas, spring term from the first Monday in January to the Easter
 * break, summer term to late July; October, February and May half terms, the early May bank holiday and
 * an INSET day as closures. `variant` shifts a few dates so neighbouring authorities differ as they do
 * in life (Bristol's half terms a week earlier than North Somerset's, for instance).
 */
export function academicYearCalendar(laCode: string, year: number, variant: number): DemoRow<'calendar'>[] {
  const term = (start: IsoDate, end: IsoDate, label: string) => entry(laCode, start, end, 'term', label);
  const closure = (start: IsoDate, end: IsoDate, label: string) =>
    entry(laCode, start, end, 'closure', label);
  const week = (monday: IsoDate, label: string) => closure(monday, addDays(monday, 4), label);
  const earlier = variant === 1 ? -7 : 0;

  const easter = easterSunday(year + 1);
  const autumnStart = nextWeekday(`${year}-09-0${2 + (variant % 3)}`);
  const autumnEnd = fridayOnOrBefore(`${year}-12-20`);
  const springStart = mondayOnOrAfter(`${year + 1}-01-04`);
  const springEnd = addDays(easter, -9);
  const summerStart = addDays(easter, 8);
  const summerEnd = weekdayOnOrBefore(`${year + 1}-07-${21 + (variant % 3)}`);
  const lastMondayOfMay = mondayOnOrBefore(`${year + 1}-05-31`);

  return [
    term(autumnStart, autumnEnd, `Autumn term ${year}`),
    week(addDays(mondayOnOrAfter(`${year}-10-23`), earlier), 'October half term'),
    closure(
      addDays(fridayOnOrBefore(`${year}-11-30`), -7 * variant),
      addDays(fridayOnOrBefore(`${year}-11-30`), -7 * variant),
      'INSET day',
    ),
    term(springStart, springEnd, `Spring term ${year + 1}`),
    week(addDays(mondayOnOrAfter(`${year + 1}-02-13`), earlier), 'February half term'),
    term(summerStart, summerEnd, `Summer term ${year + 1}`),
    closure(
      mondayOnOrAfter(`${year + 1}-05-01`),
      mondayOnOrAfter(`${year + 1}-05-01`),
      'Early May bank holiday',
    ),
    week(lastMondayOfMay, 'May half term'),
  ];
}

/** The school days of one authority, in order, for fast range look-ups. */
export class SchoolDays {
  readonly days: IsoDate[];

  constructor(entries: readonly DemoRow<'calendar'>[]) {
    const terms = entries.filter((e) => e.kind === 'term');
    const closures = entries.filter((e) => e.kind === 'closure');
    const days: IsoDate[] = [];
    for (const t of [...terms].sort((a, b) => a.start_date.localeCompare(b.start_date))) {
      for (let d = t.start_date; d <= t.end_date; d = addDays(d, 1)) {
        if (!isWeekday(d)) continue;
        if (closures.some((c) => c.start_date <= d && d <= c.end_date)) continue;
        days.push(d);
      }
    }
    this.days = days;
  }

  has(d: IsoDate): boolean {
    const i = this.firstOnOrAfter(d);
    return i < this.days.length && this.days[i] === d;
  }

  /** School days from `from` to `to`, both included. */
  between(from: IsoDate, to: IsoDate): IsoDate[] {
    return this.days.slice(this.firstOnOrAfter(from), this.firstOnOrAfter(addDays(to, 1)));
  }

  /** The first school day on or after `d`, or null past the calendar's end. */
  onOrAfter(d: IsoDate): IsoDate | null {
    return this.days[this.firstOnOrAfter(d)] ?? null;
  }

  private firstOnOrAfter(d: IsoDate): number {
    let lo = 0;
    let hi = this.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.days[mid] < d) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function entry(
  la_code: string,
  start_date: IsoDate,
  end_date: IsoDate,
  kind: 'term' | 'closure',
  label: string,
): DemoRow<'calendar'> {
  return { la_code, start_date, end_date, kind, label };
}

/** Easter Sunday of `year` (Gregorian, anonymous algorithm). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function nextWeekday(d: IsoDate): IsoDate {
  let x = d;
  while (!isWeekday(x)) x = addDays(x, 1);
  return x;
}

export function weekdayOnOrBefore(d: IsoDate): IsoDate {
  let x = d;
  while (!isWeekday(x)) x = addDays(x, -1);
  return x;
}

function mondayOnOrAfter(d: IsoDate): IsoDate {
  return addDays(d, (8 - dayOfWeek(d)) % 7);
}

function mondayOnOrBefore(d: IsoDate): IsoDate {
  return addDays(d, -((dayOfWeek(d) + 6) % 7));
}

function fridayOnOrBefore(d: IsoDate): IsoDate {
  return addDays(d, -((dayOfWeek(d) + 2) % 7));
}
