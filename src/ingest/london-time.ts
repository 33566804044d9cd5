/**
 * Europe/London offsets by rule (GMT, and BST from 01:00 UTC on the last Sunday of March to 01:00 UTC
 * on the last Sunday of October, the rule since 1996). Arithmetic instead of Intl because the
 * attendance import converts a timestamp per row and Intl costs microseconds each.
 */
const HOUR_MS = 3_600_000;

function lastSundayUtc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const dow = new Date(lastDay).getUTCDay();
  return lastDay - dow * 86_400_000;
}

/** True when the UTC instant falls in British Summer Time. */
export function isBst(utcMs: number): boolean {
  const year = new Date(utcMs).getUTCFullYear();
  const start = lastSundayUtc(year, 2) + HOUR_MS;
  const end = lastSundayUtc(year, 9) + HOUR_MS;
  return utcMs >= start && utcMs < end;
}

/**
 * The UTC instant of a Europe/London wall-clock time given as UTC-epoch milliseconds of the same
 * fields. A wall time skipped in spring is read as BST; one repeated in autumn as the first (BST). The
 * import refuses both (londonWallProblem); other callers may want an answer.
 */
export function londonWallToUtc(wallMs: number): number {
  const asBst = wallMs - HOUR_MS;
  if (isBst(asBst)) return asBst;
  return isBst(wallMs) ? asBst : wallMs;
}

/**
 * Whether a Europe/London wall-clock time (UTC-epoch milliseconds of the same fields) names no instant
 * (`skipped`: spring, clocks forward), two instants (`repeated`: autumn, clocks back), or one (null).
 */
export function londonWallProblem(wallMs: number): 'skipped' | 'repeated' | null {
  const asBst = isBst(wallMs - HOUR_MS);
  const asGmt = !isBst(wallMs);
  if (asBst && asGmt) return 'repeated';
  if (!asBst && !asGmt) return 'skipped';
  return null;
}
