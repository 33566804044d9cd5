import { isIsoDate } from '../domain/dates';
import { upnProblem } from '../domain/upn';
import { detached } from './csv-records';
import { londonWallProblem, londonWallToUtc } from './london-time';

/**
 * Cell parsers turn one trimmed, non-empty cell into the canonical text the staging table stores
 * (dates `YYYY-MM-DD`, booleans `t`/`f`, money as integer pence, timestamps ISO 8601 with offset), or
 * throw a CellProblem whose message is the reason a user reads.
 */
export class CellProblem extends Error {}

export type CellParser = (raw: string) => string;

export const text: CellParser = (raw) => raw;

/** The longest reference (placement, provider, target) the hub takes, as its API does. */
export const MAX_REFERENCE = 50;

/** A reference that names a record: text, at most MAX_REFERENCE characters (an index key is bounded). */
export const reference: CellParser = (raw) => {
  if (raw.length > MAX_REFERENCE)
    throw new CellProblem(`a reference is at most ${MAX_REFERENCE} characters; this one has ${raw.length}`);
  return raw;
};

/** Stands in the memo for "the answer is the cell itself", so that the memo never holds a cell. */
const SAME = Symbol('same as the cell');

/**
 * Remembers a parser's answers: dates and recorded_at values repeat across a register (one timestamp
 * per provider per session), and parsing them is the costliest per-row work of a big attendance file.
 * A cell is a slice of the piece of text it was parsed from and would keep that whole piece alive as
 * long as the memo lives: keys, answers and problems are kept as copies (made once per new value).
 */
export function memoised(parse: CellParser, capacity = 50_000): CellParser {
  let seen = new Map<string, string | CellProblem | typeof SAME>();
  return (raw) => {
    let answer = seen.get(raw);
    if (answer === undefined) {
      let parsed: string | CellProblem;
      try {
        parsed = parse(raw);
      } catch (err) {
        if (!(err instanceof CellProblem)) throw err;
        parsed = err;
      }
      if (parsed === raw) answer = SAME;
      else if (typeof parsed === 'string') answer = detached(parsed);
      else answer = new CellProblem(detached(parsed.message));
      if (seen.size >= capacity) seen = new Map();
      seen.set(detached(raw), answer);
    }
    if (answer === SAME) return raw;
    if (answer instanceof CellProblem) throw answer;
    return answer;
  };
}

const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d+)$/;

/**
 * `DD/MM/YYYY` as spreadsheets in the UK save dates (`02/03/2026` is 2 March; `2/3/2026` too) as
 * `YYYY-MM-DD`. A two-digit year is ambiguous (1926 or 2026?) and refused; a month above 12 gets a
 * reason that points at day/month order, since a US export is the likely cause.
 */
function ukDate(raw: string, m: RegExpExecArray): string {
  const [, d, mo, y] = m;
  if (y.length === 2)
    throw new CellProblem(
      `${raw} is ambiguous: write the year in full (${d}/${mo}/19${y} or ${d}/${mo}/20${y}?)`,
    );
  if (y.length !== 4) throw new CellProblem(`${raw} is not a date: the year has four digits`);
  if (Number(mo) > 12)
    throw new CellProblem(
      `${raw} is not a date that exists: dates are day/month/year and ${Number(mo)} is not a month` +
        (Number(d) <= 12 ? ' (is it month/day/year?)' : ''),
    );
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  if (!isIsoDate(iso)) throw new CellProblem(`${raw} is not a date that exists`);
  return iso;
}

const slowDate = memoised((raw) => {
  if (isIsoDate(raw)) return raw;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw new CellProblem(`${raw} is not a date that exists`);
  const uk = UK_DATE.exec(raw);
  if (uk) return ukDate(raw, uk);
  throw new CellProblem('a date is written YYYY-MM-DD or DD/MM/YYYY');
});

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The digit at `i` of `s` as a number, or NaN. */
function digitAt(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

/**
 * True for a date YYYY-MM-DD of the years 1000 to 9999 that exists, by looking at its characters: the
 * common case, cheaper than the memo. Anything else goes to isIsoDate, which has the last word.
 */
function isPlainIsoDate(raw: string): boolean {
  if (raw.length !== 10 || raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45) return false;
  const year = digitAt(raw, 0) * 1000 + digitAt(raw, 1) * 100 + digitAt(raw, 2) * 10 + digitAt(raw, 3);
  const month = digitAt(raw, 5) * 10 + digitAt(raw, 6);
  const day = digitAt(raw, 8) * 10 + digitAt(raw, 9);
  // NaN fails every comparison.
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1)) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]);
}

export const date: CellParser = (raw) => (isPlainIsoDate(raw) ? raw : slowDate(raw));

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

export const boolean: CellParser = (raw) => {
  const v = raw.toLowerCase();
  if (TRUE_WORDS.has(v)) return 't';
  if (FALSE_WORDS.has(v)) return 'f';
  throw new CellProblem('a yes/no value is one of true/false, yes/no, y/n, 1/0');
};

/** An enumerated value, matched case-insensitively and stored as the spec spells it. */
export function oneOf(values: readonly string[]): CellParser {
  const byLower = new Map(values.map((v) => [v.toLowerCase(), v]));
  return (raw) => {
    // The spec's own spelling, the common case, needs no lower-casing (the lists are short).
    if (values.includes(raw)) return raw;
    const v = byLower.get(raw.toLowerCase());
    if (v === undefined) throw new CellProblem(`must be one of: ${values.join(', ')}`);
    return v;
  };
}

export function digits(count: number, what: string): CellParser {
  const shape = new RegExp(`^[0-9]{${count}}$`);
  return (raw) => {
    if (!shape.test(raw)) throw new CellProblem(`${what} is ${count} digits`);
    return raw;
  };
}

export const laCode = digits(3, 'an LA code');
export const urn = digits(6, 'a URN');

export const upn: CellParser = (raw) => {
  const v = raw.toUpperCase();
  const problem = upnProblem(v);
  if (problem) throw new CellProblem(`not a valid UPN: ${problem}`);
  return v;
};

/** Pounds with an optional one or two digit pence part, stored as integer pence. */
export const pounds: CellParser = (raw) => {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(raw);
  if (!m) throw new CellProblem('money is pounds as digits with an optional .pp, no sign or separators');
  const pence = BigInt(m[1]) * 100n + BigInt((m[2] ?? '0').padEnd(2, '0'));
  if (pence > BigInt(Number.MAX_SAFE_INTEGER)) throw new CellProblem('amount too large');
  return pence.toString();
};

export const hours: CellParser = (raw) => {
  if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new CellProblem('hours are a number such as 12.5');
  const n = Number(raw);
  if (n < 0 || n > 40) throw new CellProblem('hours outside 0 to 40');
  if (!/^-?\d+(\.\d{1,2})?$/.test(raw)) throw new CellProblem('hours have at most two decimals');
  return raw;
};

export const positiveInteger: CellParser = (raw) => {
  if (!/^\d{1,6}$/.test(raw) || Number(raw) === 0) throw new CellProblem('a whole number above 0');
  return String(Number(raw));
};

const WEEK_SESSIONS = ['MON', 'TUE', 'WED', 'THU', 'FRI'].flatMap((d) => [`${d}-AM`, `${d}-PM`]);

/** The weekly pattern, canonical order, space-separated (staged as text, stored as text[]). */
export const sessionPattern: CellParser = (raw) => {
  const chosen = new Set<string>();
  for (const token of raw.toUpperCase().split(/\s+/)) {
    if (!WEEK_SESSIONS.includes(token))
      throw new CellProblem(`unknown session ${token}: sessions are MON-AM ... FRI-PM, space-separated`);
    chosen.add(token);
  }
  return WEEK_SESSIONS.filter((s) => chosen.has(s)).join(' ');
};

const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

/** `DD/MM/YYYY HH:MM[:SS]` as a UK spreadsheet saves a date and time (an offset may follow). */
const UK_TIMESTAMP = /^(\d{1,2}\/\d{1,2}\/\d+)[T ](\d{1,2}):(\d{2})(?::(\d{2}))?((?:Z|[+-]\d{2}:?\d{2})?)$/i;

const TIMESTAMP_SHAPES =
  'a timestamp is ISO 8601, e.g. 2026-01-12T09:10:00Z or 2026-01-12T09:10:00+01:00, or DD/MM/YYYY HH:MM[:SS] (UK time)';

/**
 * ISO 8601 timestamp, or `DD/MM/YYYY HH:MM[:SS]`; without an offset it is Europe/London wall-clock time,
 * and a wall time the clocks skip (spring) or show twice (autumn) is refused: only an offset says which
 * instant is meant. Returns an ISO string with an explicit offset that PostgreSQL reads exactly.
 */
const parseTimestamp: CellParser = (raw) => {
  let m = TIMESTAMP.exec(raw);
  if (!m) {
    const uk = UK_TIMESTAMP.exec(raw);
    const ukDay = uk && UK_DATE.exec(uk[1]);
    if (!uk || !ukDay) throw new CellProblem(TIMESTAMP_SHAPES);
    const day = ukDate(uk[1], ukDay);
    m = TIMESTAMP.exec(`${day}T${uk[2].padStart(2, '0')}:${uk[3]}:${uk[4] ?? '00'}${uk[5]}`);
    if (!m) throw new CellProblem(TIMESTAMP_SHAPES);
  }
  const [, day, hh, mm, ss = '00', frac = '', zulu, sign, oh, om] = m;
  if (!isIsoDate(day)) throw new CellProblem(`${day} is not a date that exists`);
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59)
    throw new CellProblem(`${raw} is not a time that exists`);
  const wall = `${day}T${hh}:${mm}:${ss}${frac}`;
  if (zulu) return `${wall}+00:00`;
  if (sign) {
    if (Number(oh) > 15 || Number(om) > 59) throw new CellProblem(`${sign}${oh}:${om} is not a UTC offset`);
    return `${wall}${sign}${oh}:${om}`;
  }
  const wallMs = Date.parse(`${wall}Z`);
  const problem = londonWallProblem(wallMs);
  if (problem === 'skipped')
    throw new CellProblem(
      `${raw} did not happen in UK time (the clocks went forward an hour): give the offset, e.g. +00:00 or +01:00`,
    );
  if (problem === 'repeated')
    throw new CellProblem(
      `${raw} happened twice in UK time (the clocks went back an hour): give the offset, +01:00 for the first, +00:00 for the second`,
    );
  return new Date(londonWallToUtc(wallMs)).toISOString();
};

export const timestamp = memoised(parseTimestamp);
