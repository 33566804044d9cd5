/**
 * Day dates are `YYYY-MM-DD` strings everywhere; these helpers do calendar arithmetic on them in UTC so
 * that no time zone can shift a day.
 */
const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type IsoDate = string;

/** True when `s` is a real calendar day in `YYYY-MM-DD` form (rejects 2026-02-30). */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

function toUtc(d: IsoDate): number {
  if (!isIsoDate(d)) throw new RangeError(`not a date: ${d}`);
  return Date.parse(`${d}T00:00:00Z`);
}

function fromUtc(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(d: IsoDate, n: number): IsoDate {
  return fromUtc(toUtc(d) + n * DAY_MS);
}

/** Calendar days from `a` to `b` (b - a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((toUtc(b) - toUtc(a)) / DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(d: IsoDate): number {
  return new Date(toUtc(d)).getUTCDay();
}

export function isWeekday(d: IsoDate): boolean {
  const w = dayOfWeek(d);
  return w >= 1 && w <= 5;
}

/** The year A in which the academic year (1 September to 31 August) containing `d` starts. */
export function academicYearStart(d: IsoDate): number {
  const [y, m] = d.split('-').map(Number);
  return m >= 9 ? y : y - 1;
}

/** National curriculum year at `d` (Reception 0): A - B - 5. */
export function ncYear(dateOfBirth: IsoDate, d: IsoDate): number {
  return academicYearStart(d) - academicYearStart(dateOfBirth) - 5;
}

export type KeyStage = 'KS1' | 'KS2' | 'KS3' | 'KS4';

export function keyStage(year: number): KeyStage | null {
  if (year >= 1 && year <= 2) return 'KS1';
  if (year >= 3 && year <= 6) return 'KS2';
  if (year >= 7 && year <= 9) return 'KS3';
  if (year >= 10 && year <= 11) return 'KS4';
  return null;
}

/** The last Friday of June of `year`. */
export function lastFridayOfJune(year: number): IsoDate {
  const june30 = `${year}-06-30`;
  const back = (dayOfWeek(june30) - 5 + 7) % 7;
  return addDays(june30, -back);
}

/** Years 1 to 11, except that Year 11 leaves after the last Friday of June of that academic year. */
export function isCompulsoryAge(dateOfBirth: IsoDate, d: IsoDate): boolean {
  const year = ncYear(dateOfBirth, d);
  if (year < 1 || year > 11) return false;
  if (year === 11 && d > lastFridayOfJune(academicYearStart(d) + 1)) return false;
  return true;
}

/** Today's date in Europe/London. */
export function londonToday(now: Date = new Date()): IsoDate {
  return londonDate(now);
}

/** Made once: building a DateTimeFormat costs far more than formatting with it. */
const LONDON_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Europe/London calendar date of an instant. */
export function londonDate(instant: Date): IsoDate {
  return LONDON_DAY.format(instant);
}
