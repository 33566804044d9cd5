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
  /**
   * The share `n / of` where `n` counts pupils or their placements: a rate, and also suppressed when
   * `n` is a count the caller is not shown, which the share and its denominator would give back.
   */
  share(n: number, of: number): Measure;
  /** The share `n / of` of records that are not people (targets, attendance records): a rate. */
  recordShare(n: number, of: number): Measure;
}

export function disclosureFor(principal: Principal): Disclosure {
  const control = principal.aggregatesOnly;
  const small = (n: number) => control && n >= 1 && n < SMALLEST_SHOWN_COUNT;
  const rate = (value: number | null, denominator: number): Measure => {
    const few = control && denominator < SMALLEST_SHOWN_DENOMINATOR;
    const suppressed = few && value !== null;
    return {
      value: suppressed || denominator === 0 ? null : value,
      // a small denominator is itself a small count, shown or not beside a value
      denominator: few && denominator > 0 ? null : denominator,
      suppressed,
    };
  };
  return {
    count: (n) => ({ value: small(n) ? null : n, denominator: null, suppressed: small(n) }),
    rate,
    share: (n, of) =>
      small(n) ? { value: null, denominator: null, suppressed: true } : rate(of > 0 ? n / of : null, of),
    recordShare: (n, of) => rate(of > 0 ? n / of : null, of),
  };
}
