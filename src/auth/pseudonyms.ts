import type { Queryable } from '../indicators/queryable';
import { pseudonymOf, randomKey } from './secrets';

/**
 * The per-authority secrets behind analysts' pseudonyms, created on first use. A pseudonym is stable
 * within an authority (the same pupil gets the same one in every answer) and reveals nothing: without
 * the secret, which never leaves the database, a UPN cannot be matched to it.
 */
export async function authoritySecrets(
  db: Queryable,
  laCodes: readonly string[],
): Promise<Map<string, Buffer>> {
  if (!laCodes.length) return new Map();
  await db.query(
    `INSERT INTO authority_secret (authority_id, secret)
     SELECT a.id, k.secret FROM unnest($1::text[], $2::bytea[]) AS k (la_code, secret)
     JOIN authority a ON a.la_code = k.la_code
     ON CONFLICT (authority_id) DO NOTHING`,
    [laCodes, laCodes.map(() => randomKey())],
  );
  const rows: { la_code: string; secret: Buffer }[] = await db.query(
    `SELECT a.la_code, s.secret FROM authority_secret s JOIN authority a ON a.id = s.authority_id
     WHERE a.la_code = ANY($1)`,
    [laCodes],
  );
  return new Map(rows.map((r) => [r.la_code, r.secret]));
}

/** Pseudonymises `value` under the secret of `laCode`. */
export function pseudonymIn(secrets: Map<string, Buffer>, laCode: string, value: string): string {
  const secret = secrets.get(laCode);
  if (!secret) throw new Error(`no pseudonym secret for authority ${laCode}`);
  return pseudonymOf(secret, value);
}
