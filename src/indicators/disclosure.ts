import type { Principal } from '../auth/principal';

/**
 * A published number. Where disclosure control applies, `value` is null and `suppressed` true, so a
 * suppressed figure can never be mistaken for a zero or a missing one.
 */
export interface Measure {
  value: number | null;
  /** The count behind a rate (pupils, placements, targets...), null for counts. */
  denominator: number | null;
  suppressed: boolean;
}

/** Smallest count shown and smallest denominator of a rate shown, for aggregates-only callers. */
export const SMALLEST_SHOWN_COUNT = 5;
export const SMALLEST_SHOWN_DENOMINATOR = 5;

/** Disclosure control as a function of the caller: applied only where the caller sees aggregates only. */
export interface Disclosure {
  count(n: number): Measure;
  /** A rate, mean or per-head figure over `denominator` people or records; null value when there are none. */
  rate(value: number | null, denominator: number): Measure;
}

export function disclosureFor(principal: Principal): Disclosure {
  const control = principal.aggregatesOnly;
  return {
    count(n) {
      const suppressed = control && n >= 1 && n < SMALLEST_SHOWN_COUNT;
      return { value: suppressed ? null : n, denominator: null, suppressed };
    },
    rate(value, denominator) {
      const suppressed = control && denominator < SMALLEST_SHOWN_DENOMINATOR && value !== null;
      return {
        value: suppressed || denominator === 0 ? null : value,
        denominator: suppressed ? null : denominator,
        suppressed,
      };
    },
  };
}
