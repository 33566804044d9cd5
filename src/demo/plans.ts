import { addDays, IsoDate } from '../domain/dates';
import { weekdayOnOrBefore } from './calendar';
import { DemoRow, yesNo } from './columns';
import { PlacementPlan } from './placements';
import { Rng } from './random';
import { REVIEW_NOTES, suitedTo, TARGETS } from './vocabulary';

type TargetKind = keyof typeof TARGETS;

/** The provider's individual learning plan: an academic target always, wider ones often. */
export function makeTargets(rng: Rng, plan: PlacementPlan): DemoRow<'targets'>[] {
  const kinds: [TargetKind, number][] = [
    ['academic', 1],
    ['attendance', 0.8],
    ['behaviour', 0.6],
    ['attitude', 0.4],
    ['other', 0.1],
  ];
  const ended = plan.row.end_date !== '';
  const brokeDown = plan.row.end_reason === 'broke_down';
  const rows: DemoRow<'targets'>[] = [];
  for (const [kind, p] of kinds) {
    if (!rng.chance(p)) continue;
    const status = !ended
      ? rng.weighted([
          ['in_progress', 85],
          ['met', 15],
        ])
      : rng.weighted([
          ['met', brokeDown ? 10 : 50],
          ['partly_met', 30],
          ['not_met', brokeDown ? 60 : 15],
          ['in_progress', 5],
        ]);
    rows.push({
      placement_ref: plan.row.placement_ref,
      target_ref: `T${rows.length + 1}`,
      kind,
      description: rng.pick(suitedTo(TARGETS[kind], plan.pupil.year)),
      status,
      agreed_by_pupil: yesNo(rng.chance(0.88)),
      agreed_by_school: yesNo(rng.chance(0.95)),
      agreed_by_provider: yesNo(rng.chance(0.97)),
    });
  }
  return rows;
}

/**
 * Reviews at the placement's interval (half-termly by default), up to its end or today. Some open
 * placements let them lapse, so their review falls overdue.
 */
export function makeReviews(rng: Rng, plan: PlacementPlan, today: IsoDate): DemoRow<'reviews'>[] {
  const every = Number(plan.row.review_every_weeks || 6) * 7;
  const until = plan.row.end_date && plan.row.end_date < today ? plan.row.end_date : today;
  const lapses = !plan.row.end_date && rng.chance(0.18);
  const rows: DemoRow<'reviews'>[] = [];
  const ehcp = plan.pupil.sen === 'ehcp';
  let date = addDays(plan.row.start_date, every + rng.int(-6, 3));
  while (date <= until) {
    if (lapses && addDays(date, every * 2) > until) break;
    rows.push({
      placement_ref: plan.row.placement_ref,
      review_date: weekdayOnOrBefore(date),
      kind: rng.chance(0.3) ? 'visit' : 'review',
      progress: rng.weighted(
        plan.attender === 'good'
          ? [
              ['good', 60],
              ['some', 35],
              ['none', 5],
            ]
          : [
              ['good', 20],
              ['some', 50],
              ['none', 30],
            ],
      ),
      pupil_views_recorded: yesNo(rng.chance(0.8)),
      parents_involved: yesNo(rng.chance(ehcp ? 0.9 : 0.6)),
      notes: rng.pick(REVIEW_NOTES),
    });
    date = addDays(date, every + rng.int(-5, 5));
  }
  return rows;
}
