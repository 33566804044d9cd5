import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Queryable } from '../indicators/queryable';
import { AuthError } from './auth-error';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords';
import { requireAdmin } from './policy';
import { aggregatesOnlyRole, isRole, Principal, ROLES, Role } from './principal';

export interface NewUser {
  username: string;
  role: string;
  authorities?: string[];
  schoolUrn?: string | null;
  providerRef?: string | null;
  password?: string | null;
  displayName?: string | null;
  email?: string | null;
  /** A machine client (a provider's system posting registers): bearer tokens only, no password. */
  machine?: boolean;
}

export interface UserSummary {
  username: string;
  role: Role;
  authorities: string[];
  schoolUrn: string | null;
  providerRef: string | null;
  machine: boolean;
  hasPassword: boolean;
  oidc: boolean;
  createdAt: string;
  disabledAt: string | null;
}

/** The columns a principal is made of, for one user: see `principalOfRow`. */
export const PRINCIPAL_COLUMNS = `
  u.id AS user_id, u.username, u.role, u.disabled_at, s.urn AS school_urn, pr.provider_ref,
  COALESCE(
    (SELECT array_agg(a.la_code ORDER BY a.la_code) FROM app_user_authority ua
       JOIN authority a ON a.id = ua.authority_id WHERE ua.user_id = u.id),
    CASE WHEN sa.la_code IS NULL THEN '{}'::text[] ELSE ARRAY[sa.la_code] END
  ) AS authorities`;
export const PRINCIPAL_JOINS = `
  LEFT JOIN school s ON s.id = u.school_id
  LEFT JOIN authority sa ON sa.id = s.authority_id
  LEFT JOIN provider pr ON pr.id = u.provider_id`;

export interface PrincipalRow {
  user_id: number;
  username: string;
  role: Role;
  disabled_at: Date | null;
  school_urn: string | null;
  provider_ref: string | null;
  authorities: string[];
}

export function principalOfRow(
  row: PrincipalRow,
  from: { address?: string | null; client?: string | null },
): Principal {
  return {
    role: row.role,
    name: row.username,
    userId: row.user_id,
    authorities: row.authorities,
    schoolUrn: row.school_urn,
    providerRef: row.provider_ref,
    aggregatesOnly: aggregatesOnlyRole(row.role),
    address: from.address ?? null,
    client: from.client ?? null,
  };
}

/** The principal of an enabled user, or null. */
export async function principalOfUser(
  db: Queryable,
  where: { username: string } | { id: number },
  from: { address?: string | null; client?: string | null } = {},
): Promise<Principal | null> {
  const [row]: PrincipalRow[] = await db.query(
    `SELECT ${PRINCIPAL_COLUMNS} FROM app_user u ${PRINCIPAL_JOINS}
     WHERE ${'username' in where ? 'u.username = $1' : 'u.id = $1'} AND u.disabled_at IS NULL`,
    ['username' in where ? where.username : where.id],
  );
  return row ? principalOfRow(row, from) : null;
}

function checkScope(u: NewUser, role: Role): void {
  const needsSchool = role === 'school' || role === 'governor';
  if (needsSchool !== Boolean(u.schoolUrn))
    throw new AuthError(
      'BAD_USER_INPUT',
      needsSchool ? `a ${role} user needs --school URN` : `--school is only for school and governor users`,
      'school',
    );
  if ((role === 'provider') !== Boolean(u.providerRef))
    throw new AuthError(
      'BAD_USER_INPUT',
      role === 'provider' ? 'a provider user needs --provider REF' : '--provider is only for provider users',
      'provider',
    );
  if (role === 'la_officer' && !u.authorities?.length)
    throw new AuthError('BAD_USER_INPUT', 'an la_officer needs at least one --authority LA', 'authority');
  if ((role === 'admin' || needsSchool || role === 'provider') && u.authorities?.length)
    throw new AuthError(
      'BAD_USER_INPUT',
      `--authority is for la_officer and analyst users (a ${role} user's scope comes from its ${role === 'admin' ? 'role' : role === 'provider' ? 'provider' : 'school'})`,
      'authority',
    );
  if (u.machine && role !== 'provider')
    throw new AuthError(
      'BAD_USER_INPUT',
      'machine clients are provider systems: use --role provider',
      'machine',
    );
  if (u.machine && u.password)
    throw new AuthError(
      'BAD_USER_INPUT',
      'a machine client signs in with tokens only, not a password',
      'password',
    );
}

/** Adds a user; administrators only; audited. */
export async function addUser(ds: DataSource, caller: Principal, u: NewUser): Promise<UserSummary> {
  requireAdmin(caller);
  if (!isRole(u.role))
    throw new AuthError('BAD_USER_INPUT', `role must be one of ${ROLES.join(', ')}`, 'role');
  const role = u.role;
  const username = u.username.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._@-]{1,63}$/.test(username))
    throw new AuthError(
      'BAD_USER_INPUT',
      'a username is 2 to 64 characters: lower-case letters, digits, . _ @ -',
      'username',
    );
  checkScope(u, role);
  if (u.password != null && u.password.length < MIN_PASSWORD_LENGTH)
    throw new AuthError(
      'BAD_USER_INPUT',
      `a password has at least ${MIN_PASSWORD_LENGTH} characters`,
      'password',
    );
  const passwordHash = u.password ? await hashPassword(u.password) : null;

  return ds.transaction(async (m) => {
    if ((await m.query('SELECT 1 FROM app_user WHERE username = $1', [username])).length)
      throw new AuthError('CONFLICT', `user ${username} already exists`, 'username');
    const ref = async (sql: string, key: string, what: string, field: string): Promise<number> => {
      const [row]: { id: number }[] = await m.query(sql, [key]);
      if (!row) throw new AuthError('NOT_FOUND', `${what} ${key} does not exist`, field);
      return row.id;
    };
    const schoolId = u.schoolUrn
      ? await ref('SELECT id FROM school WHERE urn = $1', u.schoolUrn, 'school', 'school')
      : null;
    const providerId = u.providerRef
      ? await ref('SELECT id FROM provider WHERE provider_ref = $1', u.providerRef, 'provider', 'provider')
      : null;
    const authorityIds: number[] = [];
    for (const la of new Set(u.authorities ?? []))
      authorityIds.push(
        await ref('SELECT id FROM authority WHERE la_code = $1', la, 'authority', 'authority'),
      );
    const [{ id }]: { id: number }[] = await m.query(
      `INSERT INTO app_user (username, role, display_name, email, machine, school_id, provider_id, password_hash, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        username,
        role,
        u.displayName ?? null,
        u.email ?? null,
        Boolean(u.machine),
        schoolId,
        providerId,
        passwordHash,
        caller.name,
      ],
    );
    if (authorityIds.length)
      await m.query('INSERT INTO app_user_authority (user_id, authority_id) SELECT $1, unnest($2::int[])', [
        id,
        authorityIds,
      ]);
    const [summary] = await listUsersIn(m, id);
    const { createdAt: _c, ...after } = summary;
    await recordAudit(m, caller, {
      action: 'user',
      operation: 'users.add',
      subjectKind: 'user',
      subjects: [username],
      after,
    });
    return summary;
  });
}

async function listUsersIn(db: Queryable, id?: number): Promise<UserSummary[]> {
  const rows: (PrincipalRow & {
    machine: boolean;
    has_password: boolean;
    oidc: boolean;
    created_at: Date;
  })[] = await db.query(
    `SELECT ${PRINCIPAL_COLUMNS}, u.machine, u.password_hash IS NOT NULL AS has_password,
            u.oidc_subject IS NOT NULL AS oidc, u.created_at
     FROM app_user u ${PRINCIPAL_JOINS}
     ${id === undefined ? '' : 'WHERE u.id = $1'}
     ORDER BY u.username`,
    id === undefined ? [] : [id],
  );
  return rows.map((r) => ({
    username: r.username,
    role: r.role,
    authorities: r.authorities,
    schoolUrn: r.school_urn,
    providerRef: r.provider_ref,
    machine: r.machine,
    hasPassword: r.has_password,
    oidc: r.oidc,
    createdAt: r.created_at.toISOString(),
    disabledAt: r.disabled_at ? r.disabled_at.toISOString() : null,
  }));
}

export async function listUsers(db: Queryable, caller: Principal): Promise<UserSummary[]> {
  requireAdmin(caller);
  return listUsersIn(db);
}

/** Disables a user: their sessions and tokens stop working at once; audited. */
export async function disableUser(ds: DataSource, caller: Principal, username: string): Promise<void> {
  requireAdmin(caller);
  await ds.transaction(async (m) => {
    const rows: { id: number }[] = await m.query(
      'WITH u AS (UPDATE app_user SET disabled_at = COALESCE(disabled_at, now()) WHERE username = $1 RETURNING id) SELECT id FROM u',
      [username],
    );
    if (!rows.length) throw new AuthError('NOT_FOUND', `user ${username} does not exist`, 'username');
    await m.query('UPDATE user_session SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL', [
      rows[0].id,
    ]);
    await recordAudit(m, caller, {
      action: 'user',
      operation: 'users.disable',
      subjectKind: 'user',
      subjects: [username],
    });
  });
}

/** Sets a user's password and ends the user's sessions (administrators; or the demo loader); audited. */
export async function setPassword(
  ds: DataSource,
  caller: Principal,
  username: string,
  password: string,
): Promise<void> {
  requireAdmin(caller);
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new AuthError(
      'BAD_USER_INPUT',
      `a password has at least ${MIN_PASSWORD_LENGTH} characters`,
      'password',
    );
  const passwordHash = await hashPassword(password);
  await ds.transaction(async (m) => {
    const rows = await m.query(
      'WITH u AS (UPDATE app_user SET password_hash = $2 WHERE username = $1 AND NOT machine RETURNING id) SELECT id FROM u',
      [username, passwordHash],
    );
    if (!rows.length)
      throw new AuthError('NOT_FOUND', `user ${username} does not exist or is a machine client`, 'username');
    // a new password is often set because the old one got out: whoever signed in with it is signed out
    const ended: unknown[] = await m.query(
      'UPDATE user_session SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL RETURNING id',
      [rows[0].id],
    );
    await recordAudit(m, caller, {
      action: 'user',
      operation: 'users.password',
      subjectKind: 'user',
      subjects: [username],
      detail: { sessionsEnded: ended.length },
    });
  });
}
