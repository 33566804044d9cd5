import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Principal, Role } from '../auth/principal';
import { addUser, NewUser } from '../auth/users.service';
import type { Database } from '../db/database';

export interface DemoUser {
  username: string;
  role: Role;
  password: string;
  /** What this role sees, for the message printed at start-up. */
  sees: string;
}

const FILE = 'demo-users.json';

/**
 * One user per role on the demo, each scoped to the demo's first authority, a school of it with
 * placements and a provider with placements there. Passwords are random, made once, and kept in
 * `<dataDir>/demo-users.json` (readable by its owner only) so that every start can say how to sign in.
 */
export async function createDemoUsers(
  db: Database,
  operator: Principal,
  dataDir: string,
): Promise<DemoUser[]> {
  const [pick]: { la_code: string; urn: string; provider_ref: string }[] = await db.dataSource.query(
    `SELECT a.la_code, s.urn, pr.provider_ref
     FROM placement pl JOIN school s ON s.id = pl.commissioner_school_id
     JOIN authority a ON a.id = s.authority_id JOIN provider pr ON pr.id = pl.provider_id
     GROUP BY a.la_code, s.urn, pr.provider_ref ORDER BY count(*) DESC, a.la_code, s.urn LIMIT 1`,
  );
  if (!pick) return [];
  const specs: (Omit<NewUser, 'password'> & { role: Role; sees: string })[] = [
    { username: 'demo-admin', role: 'admin', sees: 'everything, users, settings and the audit' },
    {
      username: 'demo-officer',
      role: 'la_officer',
      authorities: [pick.la_code],
      sees: `every pupil of authority ${pick.la_code}`,
    },
    {
      username: 'demo-school',
      role: 'school',
      schoolUrn: pick.urn,
      sees: `pupils on the roll of school ${pick.urn} and its placements`,
    },
    {
      username: 'demo-governor',
      role: 'governor',
      schoolUrn: pick.urn,
      sees: `aggregates for school ${pick.urn}, small numbers suppressed`,
    },
    {
      username: 'demo-provider',
      role: 'provider',
      providerRef: pick.provider_ref,
      sees: `the placements at provider ${pick.provider_ref}`,
    },
    {
      username: 'demo-analyst',
      role: 'analyst',
      authorities: [pick.la_code],
      sees: `aggregates and pseudonymised rows of authority ${pick.la_code}`,
    },
  ];
  const users: DemoUser[] = [];
  for (const { sees, ...spec } of specs) {
    const password = randomBytes(12).toString('base64url');
    await addUser(db.dataSource, operator, { ...spec, password });
    users.push({ username: spec.username, role: spec.role, password, sees });
  }
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, FILE);
  writeFileSync(file, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return users;
}

export function readDemoUsers(dataDir: string): DemoUser[] {
  const file = path.join(dataDir, FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoUser[]) : [];
}

export function describeDemoUsers(users: DemoUser[], dashboardUrl: string): string {
  if (!users.length) return '';
  const width = Math.max(...users.map((u) => u.username.length));
  return [
    `Sign in at ${dashboardUrl}sign-in as any of the demo users (synthetic data; passwords kept in demo-users.json):`,
    ...users.map((u) => `  ${u.username.padEnd(width)}  password ${u.password}  ${u.role}: ${u.sees}`),
  ].join('\n');
}
