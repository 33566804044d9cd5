import type { EntityManager } from 'typeorm';
import type { Queryable } from '../indicators/queryable';
import { AuthError, forbidden } from './auth-error';
import type { Principal, Role } from './principal';
import { behindWall } from './row-wall';

/**
 * Who may read and change what: the one place that decides it (docs/access.md has the matrix).
 *
 * Reads of pupil-level rows go through `pupilScope` / `placementScope`, SQL predicates bound to the
 * caller, so that a service cannot list pupils without saying whose. Writes go through `requireWriter`
 * and then the same predicates on the record written. Everything not granted here is refused.
 */

export type RecordKind =
  | 'authority'
  | 'calendar'
  | 'school'
  | 'provider'
  | 'evidence'
  | 'visit'
  | 'pupil'
  | 'placement'
  | 'target'
  | 'review'
  | 'destination'
  | 'attendance'
  | 'settings';

const WRITERS: Record<RecordKind, readonly Role[]> = {
  authority: ['admin'],
  calendar: ['admin', 'la_officer'],
  school: ['admin', 'la_officer'],
  provider: ['admin', 'la_officer'],
  evidence: ['admin', 'la_officer'],
  visit: ['admin', 'la_officer', 'school'],
  pupil: ['admin', 'la_officer', 'school'],
  placement: ['admin', 'la_officer', 'school'],
  target: ['admin', 'la_officer', 'school', 'provider'],
  review: ['admin', 'la_officer', 'school', 'provider'],
  destination: ['admin', 'la_officer', 'school'],
  // LA officers send their authorities' attendance files; providers their own placements' registers
  attendance: ['admin', 'la_officer', 'provider'],
  settings: ['admin', 'la_officer'],
};

/** Roles that may read pupil-level rows (names, dates of birth, placements) at all. */
const ROW_READERS: readonly Role[] = ['admin', 'la_officer', 'school', 'provider'];

/** Roles that may read authority-wide indicators (aggregates and flag counts). */
export const INDICATOR_READERS: readonly Role[] = ['admin', 'la_officer', 'analyst'];

export function requireAdmin(p: Principal): void {
  if (p.role !== 'admin') throw forbidden('only an administrator may do this');
}

export function requireRole(p: Principal, roles: readonly Role[], what: string): void {
  if (!roles.includes(p.role)) throw forbidden(`a ${p.role} user may not ${what}`);
}

export function requireWriter(p: Principal, kind: RecordKind): void {
  if (!WRITERS[kind].includes(p.role)) throw forbidden(`a ${p.role} user may not change ${kind} records`);
}

export function mayReadRows(p: Principal): boolean {
  return ROW_READERS.includes(p.role);
}

/** Pupil-level rows are not for governors and analysts. */
export function requireRows(p: Principal): void {
  if (!mayReadRows(p))
    throw forbidden(
      `a ${p.role} user sees aggregates${p.role === 'analyst' ? ' and pseudonymised rows' : ''} only`,
    );
}

/** True when the caller's authority scope is every authority (administrators; analysts given none). */
export function seesAllAuthorities(p: Principal): boolean {
  return p.role === 'admin' || (p.role === 'analyst' && p.authorities.length === 0);
}

/** A SQL predicate with its named parameters (TypeORM's `:name` style). */
export interface ScopeSql {
  sql: string;
  params: Record<string, unknown>;
}

const SCHOOL = '(SELECT id FROM school WHERE urn = :scopeUrn)';
const PROVIDER = '(SELECT id FROM provider WHERE provider_ref = :scopeRef)';
const AUTHORITIES = '(SELECT id FROM authority WHERE la_code = ANY(:scopeLa))';

function params(p: Principal): Record<string, unknown> {
  return { scopeUrn: p.schoolUrn, scopeRef: p.providerRef, scopeLa: p.authorities };
}

/**
 * The pupils (table alias `pupil`) whose rows the caller may read: an authority's for its LA officers,
 * those on a school's roll or on placements it commissioned for its users, those placed with a
 * provider for the provider. Nothing for anyone else.
 */
export function pupilScope(p: Principal, pupil: string): ScopeSql {
  const own = (placementCond: string) =>
    `EXISTS (SELECT 1 FROM placement scope_pl WHERE scope_pl.pupil_id = ${pupil}.id AND ${placementCond})`;
  switch (p.role) {
    case 'admin':
      return { sql: 'TRUE', params: {} };
    case 'la_officer':
      return { sql: `${pupil}.authority_id IN ${AUTHORITIES}`, params: params(p) };
    case 'school':
      return {
        sql: `(${pupil}.school_id = ${SCHOOL} OR ${own(`scope_pl.commissioner_school_id = ${SCHOOL}`)})`,
        params: params(p),
      };
    case 'provider':
      return { sql: own(`scope_pl.provider_id = ${PROVIDER}`), params: params(p) };
    default:
      return { sql: 'FALSE', params: {} };
  }
}

/**
 * The placements (alias `placement`, whose pupil is alias `pupil`) the caller may read: an
 * authority's pupils' for its LA officers; those a school commissioned or whose pupil is on its roll;
 * a provider's own.
 */
export function placementScope(p: Principal, placement: string, pupil: string): ScopeSql {
  switch (p.role) {
    case 'admin':
      return { sql: 'TRUE', params: {} };
    case 'la_officer':
      return { sql: `${pupil}.authority_id IN ${AUTHORITIES}`, params: params(p) };
    case 'school':
      return {
        sql: `(${placement}.commissioner_school_id = ${SCHOOL} OR ${pupil}.school_id = ${SCHOOL})`,
        params: params(p),
      };
    case 'provider':
      return { sql: `${placement}.provider_id = ${PROVIDER}`, params: params(p) };
    default:
      return { sql: 'FALSE', params: {} };
  }
}

/**
 * The second wall: what PostgreSQL's row-level security lets a read see (migration RowSecurity,
 * src/auth/row-wall.ts). The predicates in the database mirror `pupilScope` and `placementScope`;
 * a read goes behind the wall with one of these, so a statement that forgot its scope still sees no
 * more than the caller may, and a transaction given none sees no pupil-level row at all.
 */
export type RowWall =
  | { scope: 'all' }
  | { scope: 'authorities'; laCodes: readonly string[] }
  | { scope: 'school'; urn: string }
  | { scope: 'provider'; ref: string }
  | { scope: 'none' };

const ALL_ROWS: RowWall = { scope: 'all' };
const NO_ROWS: RowWall = { scope: 'none' };

/**
 * The wall for reading pupil-level rows as `p`: an authority's for its LA officers, a school's roll and
 * the placements it commissioned for its users, a provider's placements for the provider, everything
 * for administrators, and nothing for governors and analysts, who do not read rows.
 */
export function rowWall(p: Principal): RowWall {
  switch (p.role) {
    case 'admin':
      return ALL_ROWS;
    case 'la_officer':
      return { scope: 'authorities', laCodes: p.authorities };
    case 'school':
      return p.schoolUrn ? { scope: 'school', urn: p.schoolUrn } : NO_ROWS;
    case 'provider':
      return p.providerRef ? { scope: 'provider', ref: p.providerRef } : NO_ROWS;
    default:
      return NO_ROWS;
  }
}

/**
 * The wall for an indicator or flag computation over `laCodes`, the authorities `authoritiesInScope`
 * (src/indicators/access.ts) granted the caller: those authorities, or every one when it answered null
 * (administrators, analysts with no authority, and providers, whose flags are computed across
 * authorities and narrowed to their own afterwards by src/auth/flag-scope.ts). Aggregates need every
 * pupil of the area counted, so this wall is the authority, not the caller's row scope.
 */
export function authoritiesWall(laCodes: readonly string[] | null): RowWall {
  return laCodes === null ? ALL_ROWS : { scope: 'authorities', laCodes };
}

/**
 * The wall of one family of flag rules: the authorities asked about, except for the provider rules,
 * which count a provider's pupils placed from every authority (spec/indicators.md, "Provider": a
 * placement active in any authority) and answer with provider-level flags only.
 */
export function flagFamilyWall(
  subjectType: 'pupil' | 'placement' | 'provider',
  laCodes: readonly string[] | null,
): RowWall {
  return subjectType === 'provider' ? ALL_ROWS : authoritiesWall(laCodes);
}

/** `:name` parameters → positional `$n`, for statements run with `query()`. */
export function positional(scope: ScopeSql, offset: number): { sql: string; values: unknown[] } {
  const names: string[] = [];
  const sql = scope.sql.replace(/:(scope[A-Za-z]+)/g, (_m, name: string) => {
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${offset + i + 1}`;
  });
  return { sql, values: names.map((n) => scope.params[n]) };
}

/**
 * Fails unless the pupil with this id is one the caller may read: NOT_FOUND, as for a UPN the hub does
 * not hold, so that a write cannot tell a pupil outside the caller's scope from one that does not exist.
 */
export async function requirePupilInScope(
  db: Queryable,
  p: Principal,
  pupilId: number,
  upn: string,
  field = 'upn',
): Promise<void> {
  const s = positional(pupilScope(p, 'pupil'), 1);
  const rows = await behindWall(db, rowWall(p), (m) =>
    m.query(`SELECT 1 FROM pupil WHERE pupil.id = $1 AND ${s.sql}`, [pupilId, ...s.values]),
  );
  if (!rows.length) throw new AuthError('NOT_FOUND', `pupil ${upn} does not exist`, field);
}

/** Fails unless the placement with this id is one the caller may read: NOT_FOUND otherwise, as above. */
export async function requirePlacementInScope(
  db: Queryable,
  p: Principal,
  placementId: number,
  placementRef: string,
  field = 'placementRef',
): Promise<void> {
  const s = positional(placementScope(p, 'placement', 'pupil'), 1);
  const rows = await behindWall(db, rowWall(p), (m) =>
    m.query(
      `SELECT 1 FROM placement JOIN pupil ON pupil.id = placement.pupil_id WHERE placement.id = $1 AND ${s.sql}`,
      [placementId, ...s.values],
    ),
  );
  if (!rows.length) throw new AuthError('NOT_FOUND', `placement ${placementRef} does not exist`, field);
}

/**
 * Among what a school reads, what it changes: the pupils on its own roll (with their destinations) and
 * the placements it commissioned. It also reads the pupils of placements it commissioned and the
 * placements of pupils on its roll, but those records are their own school's and authority's to
 * change. `schoolId` is the stored school of the record: the pupil's roll, the placement's commissioner.
 */
export async function requireSchoolMayChange(
  db: Pick<EntityManager, 'query'>,
  p: Principal,
  record: { kind: 'pupil' | 'placement'; key: string; schoolId: number | null },
): Promise<void> {
  if (p.role !== 'school') return;
  const [own]: { id: number }[] = await db.query('SELECT id FROM school WHERE urn = $1', [p.schoolUrn]);
  if (own && own.id === record.schoolId) return;
  throw forbidden(
    record.kind === 'pupil'
      ? `pupil ${record.key} is not on the roll of school ${p.schoolUrn}: the school on whose roll they are, or the authority, changes their record`
      : `placement ${record.key} was not commissioned by school ${p.schoolUrn}: its commissioner, or the authority, changes it`,
  );
}

/**
 * Fails unless the caller may change this placement's record or plan: NOT_FOUND outside its read
 * scope (as for a reference the hub does not hold), FORBIDDEN for a school that did not commission it.
 */
export async function requirePlacementChangeable(
  db: Queryable,
  p: Principal,
  placement: { id: number; placementRef: string; commissionerSchoolId: number | null },
): Promise<void> {
  await requirePlacementInScope(db, p, placement.id, placement.placementRef);
  await requireSchoolMayChange(db, p, {
    kind: 'placement',
    key: placement.placementRef,
    schoolId: placement.commissionerSchoolId,
  });
}

/** A school records its own visits; the authority's (which decide MONITORING_VISIT_OVERDUE) are the authority's. */
export function requireVisitor(p: Principal, visitor: 'la' | 'school'): void {
  if (p.role === 'school' && visitor !== 'school')
    throw forbidden("a school user records the school's own visits only (visitor: school)");
}

/** An LA officer acts within their authorities; others' writes are bounded by their role's scope. */
export function requireAuthority(p: Principal, laCode: string, what: string): void {
  if (p.role === 'admin') return;
  if (!p.authorities.includes(laCode)) throw forbidden(`you may not ${what} in authority ${laCode}`);
}

/** A school user acts for its own school only. */
export function requireOwnSchool(p: Principal, urn: string | null | undefined, what: string): void {
  if (p.role !== 'school') return;
  if (urn !== p.schoolUrn) throw forbidden(`you may not ${what} for school ${urn ?? '(none)'}`);
}

export function unauthenticated(): AuthError {
  return new AuthError(
    'UNAUTHENTICATED',
    'sign in first: send a session cookie or Authorization: Bearer <token>',
  );
}

/**
 * Reports: the LA monitoring report names children, so it is for administrators and LA officers; a
 * school's governor report (aggregates only) for its school's users and governors and for the
 * authority's officers; a provider's scorecard for everyone who reads providers but governors, a
 * provider seeing its own only. Authority scope is checked by the services the reports read through.
 */
export function requireReportAccess(
  p: Principal,
  kind: 'la' | 'governor' | 'provider',
  subject: { schoolUrn?: string | null; providerRef?: string | null },
): void {
  if (kind === 'la') requireRole(p, ['admin', 'la_officer'], 'read the LA monitoring report');
  if (kind === 'governor') {
    requireRole(p, ['admin', 'la_officer', 'school', 'governor'], "read a school's governor report");
    if ((p.role === 'school' || p.role === 'governor') && subject.schoolUrn !== p.schoolUrn)
      throw forbidden(`you may read the report of school ${p.schoolUrn} only`);
  }
  if (kind === 'provider') {
    requireRole(p, ['admin', 'la_officer', 'school', 'provider', 'analyst'], "read a provider's scorecard");
    if (p.role === 'provider' && subject.providerRef !== p.providerRef)
      throw forbidden(`you may read the scorecard of provider ${p.providerRef} only`);
  }
}
