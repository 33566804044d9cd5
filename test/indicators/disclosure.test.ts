import { disclosureFor } from '../../src/indicators/disclosure';
import { testPrincipal } from '../support/principals';

/** spec/indicators.md: for aggregates-only callers a count of 1 to 4 is suppressed, and a rate over fewer than 5. */
describe('disclosure control', () => {
  const governor = disclosureFor(testPrincipal('governor', { schoolUrn: '900001' }));
  const officer = disclosureFor(testPrincipal('la_officer', { authorities: ['900'] }));

  it('suppresses a share whose count would be: the share and its denominator give the count back', () => {
    expect(governor.share(4, 6)).toEqual({ value: null, denominator: null, suppressed: true });
    expect(governor.share(2, 8)).toEqual({ value: null, denominator: null, suppressed: true });
    expect(governor.share(0, 8)).toEqual({ value: 0, denominator: 8, suppressed: false });
    expect(governor.share(5, 8)).toEqual({ value: 5 / 8, denominator: 8, suppressed: false });
    expect(officer.share(2, 8)).toEqual({ value: 0.25, denominator: 8, suppressed: false });
  });

  it('shares of records that are not people are rates: only their denominator counts', () => {
    expect(governor.recordShare(2, 8)).toEqual({ value: 0.25, denominator: 8, suppressed: false });
    expect(governor.recordShare(2, 4)).toEqual({ value: null, denominator: null, suppressed: true });
  });

  it('never shows a small denominator, even beside no value', () => {
    expect(governor.rate(null, 2)).toEqual({ value: null, denominator: null, suppressed: false });
    expect(governor.rate(null, 0)).toEqual({ value: null, denominator: 0, suppressed: false });
    expect(officer.rate(null, 2)).toEqual({ value: null, denominator: 2, suppressed: false });
  });
});
