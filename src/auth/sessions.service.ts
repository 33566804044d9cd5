import type { Queryable } from '../indicators/queryable';
import type { Principal } from './principal';
import { newSecret, secretHash } from './secrets';
import { PRINCIPAL_COLUMNS, PRINCIPAL_JOINS, PrincipalRow, principalOfRow } from './users.service';

export const SESSION_COOKIE = 'alp_session';
/** A working day: a dashboard left signed in overnight is signed out. */
export const SESSION_HOURS = 12;

/** Opens a dashboard session for a signed-in user and returns the cookie's value. */
export async function openSession(
  db: Queryable,
  userId: number,
  from: { address?: string | null; client?: string | null },
): Promise<string> {
  const secret = newSecret('s_');
  await db.query(
    `INSERT INTO user_session (user_id, token_hash, expires_at, address, user_agent)
     VALUES ($1, $2, now() + $3 * interval '1 hour', $4, $5)`,
    [userId, secretHash(secret), SESSION_HOURS, from.address ?? null, from.client ?? null],
  );
  return secret;
}

export async function principalOfSession(
  db: Queryable,
  secret: string,
  from: { address?: string | null; client?: string | null },
): Promise<Principal | null> {
  if (!secret.startsWith('s_') || secret.length > 100) return null;
  const [row]: PrincipalRow[] = await db.query(
    `SELECT ${PRINCIPAL_COLUMNS} FROM user_session us JOIN app_user u ON u.id = us.user_id ${PRINCIPAL_JOINS}
     WHERE us.token_hash = $1 AND us.ended_at IS NULL AND us.expires_at > now() AND u.disabled_at IS NULL`,
    [secretHash(secret)],
  );
  return row ? principalOfRow(row, from) : null;
}

export async function endSession(db: Queryable, secret: string): Promise<void> {
  await db.query('UPDATE user_session SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL', [
    secretHash(secret),
  ]);
}
