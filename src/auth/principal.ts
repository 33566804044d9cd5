/**
 * Who is asking. Every service method takes the caller first; what the caller may see and change is
 * decided from it in one place, `src/auth/policy.ts`. A principal is made only by sign-in (a session
 * cookie or a bearer token, `src/auth/authenticate.ts`) or, for the operator at the machine, by
 * `operator()`.
 */
export const ROLES = ['admin', 'la_officer', 'school', 'governor', 'provider', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export interface Principal {
  role: Role;
  /** Shown in audit trails (recorded_by, changed_by, actor): a username, or `os:<user>` at the CLI. */
  name: string;
  /** The user's id; null for the operator at the CLI. */
  userId: number | null;
  /** Authorities (LA codes) the caller acts for; empty for an administrator, who sees all. */
  authorities: string[];
  /** The school (URN) of a school user or governor. */
  schoolUrn: string | null;
  /** The provider (reference) of a provider user or machine client. */
  providerRef: string | null;
  /** True when the caller may see aggregates only (governor, analyst): disclosure control applies. */
  aggregatesOnly: boolean;
  /** Where the request came from, for the audit: the remote address and the client (user agent). */
  address?: string | null;
  client?: string | null;
}

/** Governors and analysts see aggregates (and, for analysts, pseudonymised rows), never names. */
export function aggregatesOnlyRole(role: Role): boolean {
  return role === 'governor' || role === 'analyst';
}

/**
 * The operator at the machine: the CLI, the demo loader, migrations. It acts as an administrator and
 * is audited under its OS user's name.
 */
export function operator(name: string): Principal {
  return {
    role: 'admin',
    name,
    userId: null,
    authorities: [],
    schoolUrn: null,
    providerRef: null,
    aggregatesOnly: false,
    client: 'cli',
  };
}

/** An administrator principal for tests and internal jobs (`local-admin` in the audit). */
export function localAdministrator(name = 'local-admin'): Principal {
  return operator(name);
}
