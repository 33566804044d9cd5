import type { Flag } from '../indicators/flag-definition';
import type { Queryable } from '../indicators/queryable';
import { placementScope, positional, pupilScope, rowWall } from './policy';
import type { Principal } from './principal';
import { authoritySecrets, pseudonymIn } from './pseudonyms';
import { behindWall } from './row-wall';

/** A count of 1 to 4 children in a provider flag's reason (UNREGISTERED_SCHOOL_RISK's three). */
const SMALL_COUNT = /(?<=[;,] )[1-4](?= (?:compulsory-age pupils|looked after|with SEN|with an EHC plan)\b)/g;

/**
 * A provider flag as told to a caller who does not read the provider's pupils (a school, an analyst):
 * its reason counts the provider's children across authorities ("1 looked after"), and a count of
 * 1 to 4 is told as "fewer than 5", as disclosure control tells it (spec/indicators.md).
 */
function withoutSmallCounts(f: Flag): Flag {
  return { ...f, reason: f.reason.replace(SMALL_COUNT, 'fewer than 5') };
}

/**
 * The flags a caller may see of those computed for its authorities: everything for administrators
 * and LA officers; for school and provider users the pupils and placements in their scope (and, for a
 * provider, only its own provider flags); for analysts every flag with pupils and placements replaced
 * by pseudonyms (`subjectId` 0, so nothing can be loaded through it). Provider flags reach a school
 * and an analyst with the small counts of their reasons told as "fewer than 5".
 */
export async function visibleFlags(db: Queryable, p: Principal, flags: Flag[]): Promise<Flag[]> {
  switch (p.role) {
    case 'admin':
    case 'la_officer':
      return flags;
    case 'school':
    case 'provider': {
      const pupils = flags.filter((f) => f.subjectType === 'pupil').map((f) => f.subjectId);
      const placements = flags.filter((f) => f.subjectType === 'placement').map((f) => f.subjectId);
      // $1 is the ids; the scope's own parameters follow
      const ps = positional(pupilScope(p, 'pupil'), 1);
      const pls = positional(placementScope(p, 'placement', 'pupil'), 1);
      // one after the other on the wall's transaction: the embedded database has one connection
      const [seenPupils, seenPlacements] = await behindWall(db, rowWall(p), async (m) => [
        pupils.length
          ? await m.query(`SELECT pupil.id FROM pupil WHERE pupil.id = ANY($1) AND ${ps.sql}`, [
              pupils,
              ...ps.values,
            ])
          : [],
        placements.length
          ? await m.query(
              `SELECT placement.id FROM placement JOIN pupil ON pupil.id = placement.pupil_id
               WHERE placement.id = ANY($1) AND ${pls.sql}`,
              [placements, ...pls.values],
            )
          : [],
      ]);
      const okPupils = new Set((seenPupils as { id: number }[]).map((r) => r.id));
      const okPlacements = new Set((seenPlacements as { id: number }[]).map((r) => r.id));
      return flags.flatMap((f) =>
        f.subjectType === 'pupil'
          ? okPupils.has(f.subjectId)
            ? [f]
            : []
          : f.subjectType === 'placement'
            ? okPlacements.has(f.subjectId)
              ? [f]
              : []
            : f.subjectKey === p.providerRef
              ? [f]
              : p.role === 'school'
                ? [withoutSmallCounts(f)]
                : [],
      );
    }
    case 'analyst': {
      const secrets = await authoritySecrets(db, [...new Set(flags.flatMap((f) => f.authorities))]);
      return flags.map((f) =>
        f.subjectType === 'provider'
          ? withoutSmallCounts(f)
          : {
              ...f,
              subjectKey: pseudonymIn(
                secrets,
                f.authorities[0],
                f.subjectType === 'pupil' ? f.subjectKey : `placement:${f.subjectKey}`,
              ),
              subjectId: 0,
            },
      );
    }
    default:
      return [];
  }
}
