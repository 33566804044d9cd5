import type { ImportKind } from '../ingest/kind-definition';
import type { Principal } from './principal';

/**
 * Which files a caller may import, and the checks that every staged row is inside the caller's scope.
 * A check is a SELECT of row errors over `ingest_stage s` (line, column, value, reason), run with the
 * kind's own checks, so a file with one row outside the scope stores nothing and names that row.
 *
 * - administrators: every kind;
 * - LA officers: their authorities' schools, calendar, pupils, placements, targets, reviews,
 *   attendance and destinations, and the framework's providers, evidence and visits;
 * - providers: attendance, targets and reviews of their own placements;
 * - everyone else sends no files (schools send theirs through the API's mutations or their LA).
 */
const LA_KINDS: readonly ImportKind[] = [
  'schools',
  'calendar',
  'pupils',
  'placements',
  'targets',
  'reviews',
  'attendance',
  'destinations',
  'providers',
  'provider_evidence',
  'provider_visits',
];
const PROVIDER_KINDS: readonly ImportKind[] = ['attendance', 'targets', 'reviews'];

export function mayImportKind(p: Principal, kind: ImportKind): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'la_officer') return LA_KINDS.includes(kind);
  if (p.role === 'provider') return PROVIDER_KINDS.includes(kind);
  return false;
}

/** A SQL string literal of a value that has passed its format check (LA codes, provider references). */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function outside(column: string, join: string, condition: string, reason: string): string {
  return `SELECT s.line, '${column}' AS column, s.${column}::text AS value, ${reason} AS reason
    FROM ingest_stage s ${join} WHERE ${condition}`;
}

/** Authorities an officer acts for, as a SQL array. */
function authoritiesArray(p: Principal): string {
  return `ARRAY[${p.authorities.map(literal).join(', ') || "''"}]::text[]`;
}

/**
 * A row that refers to a record outside the importer's scope (a destination's pupil, a target's or a
 * mark's placement) is told what a row referring to a record the hub does not hold is told, so that a
 * file cannot probe which keys the hub holds (docs/access.md).
 */
function notHeld(what: string, key: string): string {
  return `'${what} ' || ${key} || ' does not exist'`;
}

/**
 * A row whose own key is a record held outside the importer's scope would take that record over: it
 * is refused without saying whose the record is.
 */
function heldElsewhere(what: string, key: string): string {
  return `'${what} ' || ${key} || ' is held by the hub outside the authorities you act for: this file cannot change it'`;
}

/**
 * Which stored placements (alias `pl`, its pupil's authority `a`) lie outside what the importer's rows
 * may refer to, and the reason a row referring to one is refused: a provider's are its own placements,
 * an officer's those of its authorities' pupils. Null for administrators, who may name any. The
 * attendance lookup uses it too, so that a row outside the scope is refused before anything of the
 * placement (its dates, its authority's calendar) goes into an error.
 */
export interface PlacementImportScope {
  outside: string;
  reason: string;
}

export function placementImportScope(p: Principal): PlacementImportScope | null {
  const reason = notHeld('placement', 'pl.placement_ref');
  if (p.role === 'provider')
    return {
      outside: `pl.provider_id IS DISTINCT FROM (SELECT id FROM provider WHERE provider_ref = ${literal(p.providerRef ?? '')})`,
      reason,
    };
  if (p.role === 'la_officer') return { outside: `a.la_code <> ALL (${authoritiesArray(p)})`, reason };
  return null;
}

const PLACEMENT_JOIN =
  'JOIN placement pl ON pl.placement_ref = s.placement_ref JOIN pupil p ON p.id = pl.pupil_id JOIN authority a ON a.id = p.authority_id';

export function importScopeChecks(p: Principal, kind: ImportKind): string[] {
  // attendance's lookup refuses a row outside the scope as the file streams (placementImportScope),
  // so none is staged for a check to find
  if (p.role === 'admin' || kind === 'attendance') return [];
  if (p.role === 'provider') {
    const scope = placementImportScope(p) as PlacementImportScope;
    return [outside('placement_ref', PLACEMENT_JOIN, scope.outside, scope.reason)];
  }
  if (p.role !== 'la_officer') return [];
  const las = authoritiesArray(p);
  const byLa = outside(
    'la_code',
    '',
    `s.la_code <> ALL (${las})`,
    `'authority ' || s.la_code || ' is not one you act for'`,
  );
  // A row whose key names a stored record rewrites that record: besides where the file says it goes
  // (its la_code, its pupil), the record as stored must be one of the caller's, or an officer's file
  // could take another authority's pupil, school or placement over.
  const pupilJoin = 'JOIN pupil p ON p.upn = s.upn JOIN authority a ON a.id = p.authority_id';
  const outsideLas = `a.la_code <> ALL (${las})`;
  // a pupils file's key is its pupil; a placements or destinations file refers to it
  const storedPupil = outside('upn', pupilJoin, outsideLas, heldElsewhere('pupil', 's.upn'));
  const referredPupil = outside('upn', pupilJoin, outsideLas, notHeld('pupil', 's.upn'));
  // schools are organisation records, which every user reads: naming their authority tells nothing
  const storedSchool = outside(
    'urn',
    'JOIN school sc ON sc.urn = s.urn JOIN authority a ON a.id = sc.authority_id',
    outsideLas,
    `'school ' || sc.urn || ' belongs to authority ' || a.la_code || ', which is not one you act for'`,
  );
  const placementScope = placementImportScope(p) as PlacementImportScope;
  const storedPlacement = outside(
    'placement_ref',
    PLACEMENT_JOIN,
    placementScope.outside,
    heldElsewhere('placement', 's.placement_ref'),
  );
  const referredPlacement = outside(
    'placement_ref',
    PLACEMENT_JOIN,
    placementScope.outside,
    placementScope.reason,
  );
  switch (kind) {
    case 'schools':
      return [byLa, storedSchool];
    case 'pupils':
      return [byLa, storedPupil];
    // a calendar entry's key holds its authority
    case 'calendar':
      return [byLa];
    // the file's pupil is where the placement goes; the stored placement's pupil, where it is now
    case 'placements':
      return [referredPupil, storedPlacement];
    // a destination's key holds its pupil
    case 'destinations':
      return [referredPupil];
    // their keys hold their placement
    case 'targets':
    case 'reviews':
      return [referredPlacement];
    default:
      return [];
  }
}
