/**
 * The headline aggregate indicators, declared once: GraphQL's IndicatorKey enum and descriptions, the
 * series and any CSV header read this list. `unit` says how to read a value; `kind` says which
 * disclosure rule applies (a count, or a figure over a denominator).
 */
export interface IndicatorDefinition {
  key: string;
  title: string;
  description: string;
  unit: 'pupils' | 'placements' | 'share' | 'days';
  kind: 'count' | 'rate';
}

export const INDICATOR_DEFINITIONS: readonly IndicatorDefinition[] = [
  {
    key: 'pupilsInAp',
    title: 'Pupils in AP',
    description: 'Pupils with a placement active at the date.',
    unit: 'pupils',
    kind: 'count',
  },
  {
    key: 'activePlacements',
    title: 'Active placements',
    description: 'Placements active at the date.',
    unit: 'placements',
    kind: 'count',
  },
  {
    key: 'attendanceRate',
    title: 'Attendance rate',
    description:
      'Attended over possible sessions this academic year up to the date, over pupils with at least the minimum possible sessions (denominator: those pupils).',
    unit: 'share',
    kind: 'rate',
  },
  {
    key: 'persistentAbsenceRate',
    title: 'Persistent absence rate',
    description: 'Share of those pupils whose absence rate is at or above the persistent rate (10%).',
    unit: 'share',
    kind: 'rate',
  },
  {
    key: 'severeAbsenceRate',
    title: 'Severe absence rate',
    description: 'Share of those pupils whose absence rate is at or above the severe rate (50%).',
    unit: 'share',
    kind: 'rate',
  },
  {
    key: 'placementLengthMeanDays',
    title: 'Placement length, mean',
    description:
      'Mean calendar days (end - start) of placements that ended in the academic year up to the date.',
    unit: 'days',
    kind: 'rate',
  },
  {
    key: 'placementLengthMedianDays',
    title: 'Placement length, median',
    description: 'Median calendar days of placements that ended in the academic year up to the date.',
    unit: 'days',
    kind: 'rate',
  },
  {
    key: 'year11Leavers',
    title: 'Year 11 leavers with a placement',
    description: 'Pupils in Year 12 at the date who had a placement active at some time in their Year 11.',
    unit: 'pupils',
    kind: 'count',
  },
  {
    key: 'positiveDestinationRate',
    title: 'Positive destination rate',
    description:
      'Share of those leavers whose latest destination is education, apprenticeship, employment with training or training.',
    unit: 'share',
    kind: 'rate',
  },
  {
    key: 'neetOrNotKnownRate',
    title: 'NEET or not known rate',
    description: 'Share of those leavers whose latest destination is NEET, not known, or not recorded.',
    unit: 'share',
    kind: 'rate',
  },
];

export type IndicatorKey = (typeof INDICATOR_DEFINITIONS)[number]['key'];
