import DataLoader from 'dataloader';
import { Principal } from '../auth/principal';
import { Database } from '../db/database';
import { AuthorityService } from '../records/authority.service';
import { ListedPlacement, PlacementService } from '../records/placement.service';
import { PlacementPlanService } from '../records/placement-plan.service';
import { ProviderService } from '../records/provider.service';
import { PupilService } from '../records/pupil.service';
import { SchoolService } from '../records/school.service';
import {
  AuthorityType,
  CalendarEntryType,
  toAuthorityType,
  toCalendarEntryType,
} from '../schema/authority.types';
import {
  PlacementType,
  ReviewType,
  TargetType,
  toPlacementType,
  toReviewType,
  toTargetType,
} from '../schema/placement.types';
import {
  ProviderEvidenceType,
  ProviderType,
  ProviderVisitType,
  toProviderEvidenceType,
  toProviderType,
  toProviderVisitType,
} from '../schema/provider.types';
import { DestinationType, PupilType, toDestinationType, toPupilType } from '../schema/pupil.types';
import { SchoolType, toSchoolType } from '../schema/school.types';

/** The DataLoaders of one request, bound to its caller. Keys are surrogate ids. */
export interface Loaders {
  authority: DataLoader<number, AuthorityType | null>;
  school: DataLoader<number, SchoolType | null>;
  provider: DataLoader<number, ProviderType | null>;
  pupil: DataLoader<number, PupilType | null>;
  placement: DataLoader<number, PlacementType | null>;
  calendarOfAuthority: DataLoader<number, CalendarEntryType[]>;
  evidenceOfProvider: DataLoader<number, ProviderEvidenceType[]>;
  visitsToProvider: DataLoader<number, ProviderVisitType[]>;
  placementsOfPupil: DataLoader<number, PlacementType[]>;
  destinationsOfPupil: DataLoader<number, DestinationType[]>;
  targetsOfPlacement: DataLoader<number, TargetType[]>;
  reviewsOfPlacement: DataLoader<number, ReviewType[]>;
}

/** One entry per key, in key order: the record with that id, or null. */
function oneEach<R extends { id: number }, T>(
  rows: R[],
  keys: readonly number[],
  map: (r: R) => T,
): (T | null)[] {
  const byId = new Map(rows.map((r) => [r.id, map(r)]));
  return keys.map((k) => byId.get(k) ?? null);
}

/** One list per key, in key order, keeping the order of `rows` within each list. */
function manyEach<R, T>(
  rows: R[],
  keys: readonly number[],
  keyOf: (r: R) => number,
  map: (r: R) => T,
): T[][] {
  const groups = new Map<number, T[]>(keys.map((k) => [k, []]));
  for (const r of rows) groups.get(keyOf(r))?.push(map(r));
  return keys.map((k) => groups.get(k) ?? []);
}

export function createLoaders(ctx: { db: Database; principal: Principal }): Loaders {
  const ds = ctx.db.dataSource;
  const caller = ctx.principal;
  const authorities = new AuthorityService(ds);
  const schools = new SchoolService(ds);
  const providers = new ProviderService(ds);
  const pupils = new PupilService(ds);
  const placements = new PlacementService(ds);
  const plans = new PlacementPlanService(ds);
  return {
    authority: new DataLoader(async (ids) =>
      oneEach(await authorities.byIds(caller, ids), ids, toAuthorityType),
    ),
    school: new DataLoader(async (ids) => oneEach(await schools.byIds(caller, ids), ids, toSchoolType)),
    provider: new DataLoader(async (ids) => oneEach(await providers.byIds(caller, ids), ids, toProviderType)),
    pupil: new DataLoader(async (ids) => oneEach(await pupils.byIds(caller, ids), ids, toPupilType)),
    placement: new DataLoader(async (ids) =>
      oneEach(await placements.byIds(caller, ids), ids, toPlacementType),
    ),
    calendarOfAuthority: new DataLoader(async (ids) =>
      manyEach(await authorities.calendars(caller, ids), ids, (c) => c.authorityId, toCalendarEntryType),
    ),
    evidenceOfProvider: new DataLoader(async (ids) =>
      manyEach(await providers.evidenceOf(caller, ids), ids, (e) => e.providerId, toProviderEvidenceType),
    ),
    visitsToProvider: new DataLoader(async (ids) =>
      manyEach(await providers.visitsTo(caller, ids), ids, (v) => v.providerId, toProviderVisitType),
    ),
    placementsOfPupil: new DataLoader(async (ids) =>
      manyEach(await placements.ofPupils(caller, ids), ids, (p) => p.pupilId, toPlacementType),
    ),
    destinationsOfPupil: new DataLoader(async (ids) =>
      manyEach(await pupils.destinationsOf(caller, ids), ids, (d) => d.pupilId, toDestinationType),
    ),
    targetsOfPlacement: new DataLoader(async (ids) =>
      manyEach(await plans.targetsOf(caller, ids), ids, (t) => t.placementId, toTargetType),
    ),
    reviewsOfPlacement: new DataLoader(async (ids) =>
      manyEach(await plans.reviewsOf(caller, ids), ids, (r) => r.placementId, toReviewType),
    ),
  };
}

/** Records read together with the object they belong to, by the object and its field's name. */
const readTogether = new WeakMap<object, Record<string, unknown>>();

/**
 * The record that was read with `parent` for its field `field` (null: read, and there is none or the
 * caller may not see it), or undefined when it was not read with it: then the field reads it itself.
 */
export function readWith<T>(parent: object, field: string): T | null | undefined {
  return readTogether.get(parent)?.[field] as T | null | undefined;
}

/**
 * The API object of a placement a list read, with the records read with it (those `include` asked
 * for) attached (`readWith`), so that the fields below the list read nothing more. A pupil it leaves
 * out is one the pupil scope does not let the caller read: the loader would answer null for it as
 * well. The records hold only the columns the list's fields read (src/resolvers/read-properties.ts),
 * so they stay with their placement and never go into the loaders, which other paths of the query
 * share.
 */
export function listedPlacementType(
  row: ListedPlacement,
  include: { pupil?: boolean; school?: boolean; provider?: boolean },
): PlacementType {
  const placement = toPlacementType(row.placement);
  const together: Record<string, unknown> = {};
  if (include.pupil) {
    const pupil = row.pupil && toPupilType(row.pupil);
    together.pupil = pupil;
    if (pupil && include.school) readTogether.set(pupil, { school: row.school && toSchoolType(row.school) });
  }
  if (include.provider) together.provider = row.provider && toProviderType(row.provider);
  readTogether.set(placement, together);
  return placement;
}

/** Forgets everything this request's loaders have cached (after a write, so later reads see it). */
export function clearLoaders(loaders: Loaders): void {
  for (const loader of Object.values(loaders) as DataLoader<unknown, unknown>[]) loader.clearAll();
}
