import { aggregatesOnlyRole, Principal, Role } from '../../src/auth/principal';

/** A principal as sign-in would make it, for service-level tests. */
export function testPrincipal(role: Role, scope: Partial<Principal> = {}): Principal {
  return {
    role,
    name: `test-${role}`,
    userId: null,
    authorities: [],
    schoolUrn: null,
    providerRef: null,
    aggregatesOnly: aggregatesOnlyRole(role),
    ...scope,
  };
}
