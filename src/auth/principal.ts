/**
 * Who is asking. Every service method takes the caller first, so that access control is added in one
 * place (src/auth) and not in each resolver. Until roles land, every caller is a local administrator.
 */
export type Role =
  | 'administrator'
  | 'la_officer'
  | 'school_commissioner'
  | 'governor'
  | 'provider'
  | 'analyst';

export interface Principal {
  role: Role;
  /** Shown in audit trails (recorded_by, changed_by). */
  name: string;
  /** Authorities (LA codes) the caller acts for; empty for an administrator, who sees all. */
  authorities: string[];
  /** True when the caller may see aggregates only (governor, analyst): disclosure control applies. */
  aggregatesOnly: boolean;
}

export function localAdministrator(name = 'local-admin'): Principal {
  return { role: 'administrator', name, authorities: [], aggregatesOnly: false };
}
