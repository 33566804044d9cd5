import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { preparedQuery } from '../db/prepared-query';
import type { Queryable } from '../indicators/queryable';
import { AuthError } from './auth-error';
import { requireAdmin } from './policy';
import type { Principal } from './principal';
import { newSecret, secretHash } from './secrets';
import { PRINCIPAL_COLUMNS, PRINCIPAL_JOINS, PrincipalRow, principalOfRow } from './users.service';

export const TOKEN_PREFIX = 'alp_';
const MAX_DAYS = 366;

/** `30d`, `12h`, `90m` → milliseconds; at most a year. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,4})([dhm])$/.exec(text.trim());
  if (!m)
    throw new AuthError(
      'BAD_USER_INPUT',
      `--expires-in takes a number and d, h or m (30d, 12h, 90m), not ${text}`,
      'expiresIn',
    );
  const ms = Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
  if (ms <= 0 || ms > MAX_DAYS * 86_400_000)
    throw new AuthError('BAD_USER_INPUT', `a token lives between 1 minute and ${MAX_DAYS} days`, 'expiresIn');
  return ms;
}

/** Creates a bearer token for a user and returns it: the only time it is ever shown. */
export async function createToken(
  ds: DataSource,
  caller: Principal,
  username: string,
  expiresInMs: number,
): Promise<{ token: string; expiresAt: string }> {
  requireAdmin(caller);
  const token = newSecret(TOKEN_PREFIX);
  return ds.transaction(async (m) => {
    const rows: { expires_at: Date }[] = await m.query(
      `INSERT INTO api_token (user_id, token_hash, prefix, created_by, expires_at)
       SELECT id, $2, $3, $4, now() + $5 * interval '1 millisecond' FROM app_user
       WHERE username = $1 AND disabled_at IS NULL
       RETURNING expires_at`,
      [username, secretHash(token), token.slice(0, TOKEN_PREFIX.length + 6), caller.name, expiresInMs],
    );
    if (!rows.length) throw new AuthError('NOT_FOUND', `no enabled user ${username}`, 'username');
    await recordAudit(m, caller, {
      action: 'token',
      operation: 'tokens.create',
      subjectKind: 'user',
      subjects: [username],
      detail: { expiresAt: rows[0].expires_at.toISOString() },
    });
    return { token, expiresAt: rows[0].expires_at.toISOString() };
  });
}

/** Revokes a token, given the token itself. */
export async function revokeToken(ds: DataSource, caller: Principal, token: string): Promise<void> {
  requireAdmin(caller);
  await ds.transaction(async (m) => {
    const rows: { username: string }[] = await m.query(
      `WITH t AS (UPDATE api_token SET revoked_at = COALESCE(revoked_at, now()) WHERE token_hash = $1 RETURNING user_id)
       SELECT u.username FROM t JOIN app_user u ON u.id = t.user_id`,
      [secretHash(token.trim())],
    );
    if (!rows.length) throw new AuthError('NOT_FOUND', 'no such token', 'token');
    await recordAudit(m, caller, {
      action: 'token',
      operation: 'tokens.revoke',
      subjectKind: 'user',
      subjects: [rows[0].username],
    });
  });
}

/**
 * The principal of a bearer token that exists, is neither expired nor revoked, and belongs to an
 * enabled user; null otherwise. One statement: the last use is recorded at most once a minute.
 */
export async function principalOfToken(
  db: Queryable,
  token: string,
  from: { address?: string | null; client?: string | null },
): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const [row] = await preparedQuery<PrincipalRow>(
    db,
    'alp_principal_of_token',
    `WITH t AS (
       SELECT id, user_id, last_used_at FROM api_token
       WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
     ), touched AS (
       UPDATE api_token SET last_used_at = now(), last_used_from = $2
       WHERE id IN (SELECT id FROM t WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
     )
     SELECT ${PRINCIPAL_COLUMNS} FROM t JOIN app_user u ON u.id = t.user_id ${PRINCIPAL_JOINS}
     WHERE u.disabled_at IS NULL`,
    [secretHash(token), from.address ?? null],
  );
  return row ? principalOfRow(row, from) : null;
}
