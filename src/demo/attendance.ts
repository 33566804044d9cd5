import { addDays, dayOfWeek, IsoDate } from '../domain/dates';
import { SchoolDays } from './calendar';
import { DemoRow } from './columns';
import { Attender, PlacementPlan } from './placements';
import { Rng } from './random';

/** A session's first mark and, for a few, the school's later correction of it. */
export interface AttendanceMark {
  row: DemoRow<'attendance'>;
  correction?: DemoRow<'attendance'>;
}
type Mark = AttendanceMark;

const ABSENCE: Record<Attender, number> = { good: 0.05, fair: 0.12, poor: 0.28, very_poor: 0.55 };

/**
 * Twice-daily marks for one placement, on the school days of the pupil's authority from the later of
 * its start and the history's start to the earlier of its end and yesterday, following its weekly
 * pattern. Each placement draws from its own random stream, so marks can be made one placement at a
 * time, in any order, and come out the same. A few marks of N are later corrected by the school.
 */
export function placementMarks(
  root: Rng,
  plan: PlacementPlan,
  calendar: SchoolDays,
  historyStart: IsoDate,
  today: IsoDate,
): Mark[] {
  const rng = root.fork(`attendance:${plan.row.placement_ref}`);
  const yesterday = addDays(today, -1);
  const from = plan.row.start_date > historyStart ? plan.row.start_date : historyStart;
  const end = plan.row.end_date && plan.row.end_date < yesterday ? plan.row.end_date : yesterday;
  let days = calendar.between(from, end);
  if (plan.unreportedDays && end === yesterday)
    days = days.slice(0, Math.max(0, days.length - plan.unreportedDays));

  const inPattern = new Array<boolean>(10).fill(false);
  for (const i of plan.pattern) inPattern[i] = true;
  const year = plan.pupil.year;
  const marks: Mark[] = [];
  let absentBefore = false;
  for (const date of days) {
    const dow = dayOfWeek(date);
    for (const pm of [false, true]) {
      const session = pm ? 'PM' : 'AM';
      if (!inPattern[(dow - 1) * 2 + (pm ? 1 : 0)]) {
        if (plan.c2Outside)
          marks.push({ row: mark(plan, date, session, 'C2', recordedAt(rng, date, pm, 0), 'school') });
        continue;
      }
      const pAbsent = absentBefore ? Math.min(0.9, ABSENCE[plan.attender] + 0.45) : ABSENCE[plan.attender];
      const absent = rng.chance(pAbsent);
      absentBefore = absent;
      const code = absent ? absenceCode(rng, plan.attender, year) : presentCode(rng, pm, year);
      const late = rng.chance(plan.provider.reportsLate ? 0.35 : 0.02) ? rng.int(1, 4) : 0;
      const at = recordedAt(rng, capDate(date, late, yesterday), pm, 0);
      const m: Mark = { row: mark(plan, date, session, code, at, 'provider') };
      if (code === 'N' && rng.chance(0.12)) {
        const fixed = rng.weighted([
          ['I', 50],
          ['O', 25],
          ['M', 15],
          ['C', 10],
        ]);
        const later = capDate(date, late + rng.int(1, 5), yesterday);
        m.correction = mark(
          plan,
          date,
          session,
          fixed,
          recordedAt(rng, later, pm, later === at.slice(0, 10) ? 1 : 0),
          'school',
        );
      }
      marks.push(m);
    }
  }
  if (plan.missing) goMissing(rng, marks);
  return marks;
}

/** The pupil stopped coming: the last 6 to 10 possible sessions become unexplained, uncorrected. */
function goMissing(rng: Rng, marks: Mark[]): void {
  let left = rng.int(6, 10);
  for (let i = marks.length - 1; i >= 0 && left > 0; i--) {
    const m = marks[i];
    if (m.row.code === 'C2') continue;
    m.row.code = rng.chance(0.6) ? 'N' : 'O';
    m.correction = undefined;
    left--;
  }
}

function presentCode(rng: Rng, pm: boolean, year: number): string {
  const r = rng.next();
  if (r < 0.05) return 'L';
  if (r < 0.07) return 'B';
  if (r < 0.08) return 'V';
  if (r < 0.09) return 'P';
  if (r < 0.1 && year >= 10) return 'W';
  return pm ? '\\' : '/';
}

function absenceCode(rng: Rng, attender: Attender, year: number): string {
  const poor = attender === 'poor' || attender === 'very_poor';
  return rng.weighted([
    ['I', poor ? 22 : 40],
    ['N', poor ? 18 : 10],
    ['O', poor ? 30 : 12],
    ['M', 8],
    ['G', 3],
    ['U', 4],
    ['C', 3],
    ['Y1', 2],
    ['R', 1],
    ['T', 1],
    ['E', 1],
    ['J1', year >= 10 ? 1 : 0],
  ]);
}

function mark(
  plan: PlacementPlan,
  date: IsoDate,
  session: 'AM' | 'PM',
  code: string,
  recorded_at: string,
  recorded_by: string,
): DemoRow<'attendance'> {
  return { placement_ref: plan.row.placement_ref, date, session, code, recorded_at, recorded_by };
}

function capDate(date: IsoDate, plusDays: number, cap: IsoDate): IsoDate {
  if (plusDays === 0) return date;
  const d = addDays(date, plusDays);
  return d > cap ? (date > cap ? date : cap) : d;
}

/**
 * When the register was taken (or sent): morning marks from 08:50, afternoon from 13:20, Europe/London
 * wall-clock time written with its UTC offset. `laterBy` hours push a same-day correction after it.
 */
function recordedAt(rng: Rng, date: IsoDate, pm: boolean, laterBy: number): string {
  const minutes = (pm ? 13 * 60 + 20 : 8 * 60 + 50) + rng.int(0, 70) + laterBy * 180;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${date}T${hh}:${mm}:00${isBritishSummerTime(date) ? '+01:00' : '+00:00'}`;
}

/** BST runs from the last Sunday of March to the last Sunday of October (daytime marks only). */
export function isBritishSummerTime(date: IsoDate): boolean {
  const year = Number(date.slice(0, 4));
  let bounds = summerTime.get(year);
  if (!bounds) {
    bounds = [lastSunday(year, 3), lastSunday(year, 10)];
    summerTime.set(year, bounds);
  }
  return date >= bounds[0] && date < bounds[1];
}

const summerTime = new Map<number, [IsoDate, IsoDate]>();

function lastSunday(year: number, month: number): IsoDate {
  const last = addDays(`${year}-${String(month + 1).padStart(2, '0')}-01`, -1);
  return addDays(last, -dayOfWeek(last));
}
