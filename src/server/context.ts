import type { Request } from 'express';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/database';
import { createLoaders, Loaders } from '../loaders';

/** What every resolver receives: who is asking, the database, and this request's DataLoaders. */
export interface Context {
  principal: Principal;
  db: Database;
  loaders: Loaders;
  /** Pupil-level subjects this request returned, by kind (pupil UPNs, placement references): audited. */
  readSubjects: Map<string, Set<string>>;
}

/** Who a request is from, once it has passed authentication (`principalOf` in src/auth/authenticate.ts). */
export type PrincipalFor = (req: Request) => Principal;

export function createContext(db: Database, principal: Principal): Context {
  return { principal, db, loaders: createLoaders({ db, principal }), readSubjects: new Map() };
}
