import { addDays, dayOfWeek, type IsoDate } from '../domain/dates';
import type { ImportKind } from '../ingest';
import { DEMO_COLUMNS } from './columns';
import type { DemoData } from './generate';

/** One back-loaded delivery of the demo: rows of one kind, known from `knownAt`. */
export interface Delivery {
  knownAt: Date;
  kind: ImportKind;
  columns: readonly string[];
  rows: Record<string, string>[];
}

/** The kinds that stand from the start of the demo's history: organisations, calendars, pupils. */
const STANDING: ImportKind[] = [
  'authorities',
  'calendar',
  'schools',
  'providers',
  'provider_evidence',
  'provider_visits',
  'pupils',
];

/** Within one week's deliveries: a placement before its targets and its ending, reviews after. */
const ORDER: ImportKind[] = ['placements', 'targets', 'placements', 'reviews', 'destinations'];

/**
 * The Friday 17:00 (UTC) of the week in which an event of `date` reaches the hub: the week of two days
 * after it, so an officer enters a placement, an ending or a review two to six days after it happens,
 * never before (spec: the demo "as if entered over the year").
 */
function enteredAt(date: IsoDate): string {
  const seen = addDays(date, 2);
  const monday = addDays(seen, -((dayOfWeek(seen) + 6) % 7));
  return `${addDays(monday, 4)}T17:00:00Z`;
}

function later(a: IsoDate, b: IsoDate | undefined): IsoDate {
  return b && b > a ? b : a;
}

/**
 * The demo's records as deliveries over its history, oldest first: what stands from the first day
 * (known from historyStart), then week by week the placements that started (without their ending),
 * their targets, the placements that ended (only the ending), the reviews held and the destinations
 * recorded. Nothing is known later than `now`. Attendance is not here: its rows are back-loaded once and
 * each is known from its own recorded_at.
 */
export function historyPlan(data: DemoData, now: Date): Delivery[] {
  const start = new Date(`${data.historyStart}T00:00:00Z`);
  const cap = (iso: string) => new Date(Math.min(Date.parse(iso), now.getTime()));
  const deliveries: Delivery[] = STANDING.map((kind) => ({
    knownAt: start,
    kind,
    columns: DEMO_COLUMNS[kind],
    rows: data[kind as keyof DemoData] as unknown as Record<string, string>[],
  }));

  const weeks = new Map<string, Map<number, Delivery>>();
  const add = (
    date: IsoDate,
    step: number,
    kind: ImportKind,
    columns: readonly string[],
    row: Record<string, string>,
  ) => {
    const at = date < data.historyStart ? data.historyStart : date;
    const key = enteredAt(at);
    let week = weeks.get(key);
    if (!week) weeks.set(key, (week = new Map()));
    let d = week.get(step);
    if (!d) week.set(step, (d = { knownAt: cap(key), kind, columns, rows: [] }));
    d.rows.push(row);
  };
  const opening = DEMO_COLUMNS.placements.filter((c) => c !== 'end_date' && c !== 'end_reason');
  const startOf = new Map<string, IsoDate>();
  for (const p of data.placements) {
    startOf.set(p.placement_ref, p.start_date);
    add(p.start_date, 0, 'placements', opening, p);
    if (p.end_date) add(p.end_date, 2, 'placements', ['placement_ref', 'end_date', 'end_reason'], p);
  }
  for (const t of data.targets)
    add(startOf.get(t.placement_ref) ?? data.historyStart, 1, 'targets', DEMO_COLUMNS.targets, t);
  for (const r of data.reviews)
    add(later(r.review_date, startOf.get(r.placement_ref)), 3, 'reviews', DEMO_COLUMNS.reviews, r);
  for (const d of data.destinations) add(d.recorded_on, 4, 'destinations', DEMO_COLUMNS.destinations, d);

  for (const key of [...weeks.keys()].sort()) {
    const week = weeks.get(key) as Map<number, Delivery>;
    for (const step of ORDER.keys()) {
      const d = week.get(step);
      if (d) deliveries.push(d);
    }
  }
  return deliveries;
}
