import type { Measure } from '../indicators/disclosure';

export type Unit = 'pupils' | 'placements' | 'share' | 'days' | 'count' | 'gbp';

/** How a published figure reads: suppressed figures say so, missing ones show a dash. */
export function formatMeasure(m: Measure, unit: Unit): string {
  if (m.suppressed) return 'suppressed';
  if (m.value === null) return '–';
  switch (unit) {
    case 'share':
      return `${(m.value * 100).toFixed(1)}%`;
    case 'days':
      return `${Math.round(m.value)} days`;
    case 'gbp':
      return `£${m.value.toFixed(2)}`;
    default:
      return String(m.value);
  }
}
