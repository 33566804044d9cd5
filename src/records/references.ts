import { EntityManager } from 'typeorm';
import { Authority, Placement, Provider, Pupil, School } from '../entities';
import { notFound } from './record-errors';

/**
 * Inputs refer to other records by their natural keys; these resolve a key to the record or fail with
 * NOT_FOUND naming the input field that carried it.
 */
export async function authorityByLaCode(m: EntityManager, laCode: string, field = 'laCode') {
  const found = await m.findOneBy(Authority, { laCode });
  if (!found) throw notFound('authority', laCode, field);
  return found;
}

export async function schoolByUrn(m: EntityManager, urn: string, field = 'urn') {
  const found = await m.findOneBy(School, { urn });
  if (!found) throw notFound('school', urn, field);
  return found;
}

export async function providerByRef(m: EntityManager, providerRef: string, field = 'providerRef') {
  const found = await m.findOneBy(Provider, { providerRef });
  if (!found) throw notFound('provider', providerRef, field);
  return found;
}

export async function pupilByUpn(m: EntityManager, upn: string, field = 'upn') {
  const found = await m.findOneBy(Pupil, { upn });
  if (!found) throw notFound('pupil', upn, field);
  return found;
}

export async function placementByRef(m: EntityManager, placementRef: string, field = 'placementRef') {
  const found = await m.findOneBy(Placement, { placementRef });
  if (!found) throw notFound('placement', placementRef, field);
  return found;
}

/** Copies the keys of `patch` that are present (undefined = leave alone; null = clear). */
export function applyPatch<T extends object>(target: T, patch: Partial<T>): T {
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}
