import type { ObjectLiteral } from 'typeorm';
import { academicYearStart, KeyStage } from '../domain/dates';
import { SenStatus } from '../entities/pupil.entity';
import { badInput } from './record-errors';

/** Filters on a pupil's attributes, shared by the pupil and placement lists. */
export interface PupilAttributeFilter {
  /** National curriculum year at `asOf` (Reception 0). */
  yearGroup?: number | null;
  keyStage?: KeyStage | null;
  senStatus?: SenStatus | null;
  lookedAfter?: boolean | null;
  fsm?: boolean | null;
  /** The date at which year group and key stage are evaluated. */
  asOf: string;
}

const KEY_STAGE_YEARS: Record<KeyStage, [number, number]> = {
  KS1: [1, 2],
  KS2: [3, 6],
  KS3: [7, 9],
  KS4: [10, 11],
};

/**
 * The year group of `alias`'s pupil in SQL, the same rule as `ncYear` in src/domain/dates.ts:
 * academic year of `asOf` minus the academic year of birth minus 5. `:asOfYear` is bound by the caller.
 */
function ncYearSql(alias: string): string {
  const dob = `${alias}.date_of_birth`;
  return `(:asOfYear::int - (EXTRACT(YEAR FROM ${dob})::int - CASE WHEN EXTRACT(MONTH FROM ${dob}) >= 9 THEN 0 ELSE 1 END) - 5)`;
}

/** Where conditions go: a query builder, or hand-written SQL's `Conditions` (src/records/raw-rows.ts). */
export interface Where {
  andWhere(sql: string, params?: ObjectLiteral): unknown;
}

/** Adds the pupil attribute filters to `qb`, whose pupil table is aliased `alias`. */
export function applyPupilFilters(qb: Where, alias: string, filter: PupilAttributeFilter): void {
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  if (filter.yearGroup != null) [lo, hi] = [filter.yearGroup, filter.yearGroup];
  if (filter.keyStage) {
    const [ksLo, ksHi] = KEY_STAGE_YEARS[filter.keyStage];
    [lo, hi] = [Math.max(lo, ksLo), Math.min(hi, ksHi)];
  }
  if (lo > hi) throw badInput(`year ${filter.yearGroup} is not in ${filter.keyStage}`, 'keyStage');
  if (Number.isFinite(lo)) {
    qb.andWhere(`${ncYearSql(alias)} BETWEEN :yearLo AND :yearHi`, {
      asOfYear: academicYearStart(filter.asOf),
      yearLo: lo,
      yearHi: hi,
    });
  }
  if (filter.senStatus) qb.andWhere(`${alias}.sen_status = :senStatus`, { senStatus: filter.senStatus });
  if (filter.lookedAfter != null)
    qb.andWhere(`${alias}.looked_after = :lookedAfter`, { lookedAfter: filter.lookedAfter });
  if (filter.fsm != null) qb.andWhere(`${alias}.fsm = :fsm`, { fsm: filter.fsm });
}

/** SQL condition: placement `alias` is active on `:param` (start <= D and (no end or D <= end)). */
export function activeAtSql(alias: string, param: string): string {
  return `(${alias}.start_date <= :${param} AND (${alias}.end_date IS NULL OR ${alias}.end_date >= :${param}))`;
}
