import { addDays, IsoDate } from '../domain/dates';
import { DemoRow, yesNo } from './columns';
import { PlacementPlan } from './placements';
import { DemoPupil } from './pupils';
import { Rng } from './random';
import { COLLEGES } from './vocabulary';

type Activity = DemoRow<'destinations'>['activity'];

/**
 * Destinations of last summer's Year 11 leavers who were in AP in Year 11, recorded through the autumn
 * as the September Guarantee and tracking teams do: some first as not known, then updated; a few never.
 */
export function makeDestinations(
  rng: Rng,
  leavers: readonly DemoPupil[],
  plans: readonly PlacementPlan[],
  academicYear: number,
  today: IsoDate,
): DemoRow<'destinations'>[] {
  const inAp = new Set(plans.map((p) => p.pupil.row.upn));
  const rows: DemoRow<'destinations'>[] = [];
  const first = `${academicYear}-09-15`;
  for (const pupil of leavers) {
    if (!inAp.has(pupil.row.upn) || rng.chance(0.12)) continue;
    const activity: Activity = rng.weighted([
      ['education', 44],
      ['apprenticeship', 8],
      ['employment_with_training', 5],
      ['employment_without_training', 7],
      ['training', 12],
      ['neet', 14],
      ['not_known', 10],
    ]);
    const firstOn = addDays(first, rng.int(0, 30));
    const updated = activity !== 'not_known' && rng.chance(0.3);
    const laterOn = addDays(firstOn, rng.int(21, 60));
    if (updated && laterOn <= today) {
      rows.push(destination(rng, pupil, firstOn, 'not_known'));
      rows.push(destination(rng, pupil, laterOn, activity));
    } else if (firstOn <= today) {
      rows.push(destination(rng, pupil, firstOn, activity));
    }
  }
  return rows;
}

function destination(
  rng: Rng,
  pupil: DemoPupil,
  recorded_on: IsoDate,
  activity: Activity,
): DemoRow<'destinations'> {
  const placed = activity === 'education' || activity === 'training' || activity === 'apprenticeship';
  return {
    upn: pupil.row.upn,
    recorded_on,
    activity,
    provider_name: placed ? rng.pick(COLLEGES) : '',
    sustained:
      activity === 'not_known' ? '' : rng.chance(0.2) ? '' : yesNo(activity !== 'neet' && rng.chance(0.8)),
  };
}
