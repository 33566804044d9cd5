import { localAdministrator, Principal } from '../auth/principal';
import { Database } from '../db/database';
import { createLoaders, Loaders } from '../loaders';

/** What every resolver receives: who is asking, the database, and this request's DataLoaders. */
export interface Context {
  principal: Principal;
  db: Database;
  loaders: Loaders;
}

/** Decides who a request is from. The one place where authentication will land. */
export type PrincipalFor = (req: { headers: Record<string, string | string[] | undefined> }) => Principal;

/** Until users sign in, every request is the local administrator. */
export const defaultPrincipalFor: PrincipalFor = () => localAdministrator();

export function createContext(db: Database, principal: Principal): Context {
  return { principal, db, loaders: createLoaders({ db, principal }) };
}
