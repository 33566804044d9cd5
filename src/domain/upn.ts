/**
 * Unique Pupil Number (DfE): 13 characters, a check letter then 12 characters (LA code, establishment,
 * year, serial; the last may be a letter in a temporary UPN). Check letter: the sum of characters 2-13
 * weighted 2..13, modulo 23, indexes CHECK_LETTERS. A letter in position 13 counts as its index there.
 */
const CHECK_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';
const UPN_SHAPE = /^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$/;

export function upnCheckLetter(body: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = body[i];
    const value = /[0-9]/.test(ch) ? Number(ch) : CHECK_LETTERS.indexOf(ch);
    sum += value * (i + 2);
  }
  return CHECK_LETTERS[sum % 23];
}

/** Why a UPN is invalid, or null when it is valid. */
export function upnProblem(upn: string): string | null {
  if (upn.length !== 13) return `a UPN has 13 characters, this has ${upn.length}`;
  if (!UPN_SHAPE.test(upn))
    return 'a UPN is a check letter, 11 digits, then a digit or letter (no I, O or S)';
  const expected = upnCheckLetter(upn.slice(1));
  if (upn[0] !== expected) return `check letter is ${upn[0]}, expected ${expected}`;
  return null;
}

export function isValidUpn(upn: string): boolean {
  return upnProblem(upn) === null;
}

/** A valid UPN from its 12-character body (for synthetic data). */
export function makeUpn(body: string): string {
  return upnCheckLetter(body) + body;
}
