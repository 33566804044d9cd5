import { Pool, PoolClient } from 'pg';
import { EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { RowWall, rowWall } from '../../src/auth/policy';
import { localAdministrator, Principal } from '../../src/auth/principal';
import {
  behindWall,
  inlineParameters,
  MAX_PREPARED,
  READER_ROLE,
  readBehindWall,
} from '../../src/auth/row-wall';
import { Database } from '../../src/db/database';
import { importFolder } from '../../src/ingest';
import { createTestDatabase } from '../support/database';
import { EXAMPLE, exampleCsv } from '../support/example';

/**
 * The row-level wall on its own: statements with no WHERE clause at all, run behind a wall, see only
 * that wall's rows; behind none they see nothing. The expected sets are worked out from the example's
 * CSV files (as in access-matrix.test.ts), not from the hub's own predicates.
 */

const pupils = exampleCsv('pupils.csv');
const placements = exampleCsv('placements.csv');
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
const pupilOf = new Map(pupils.map((p) => [p.upn, p]));

const LA = '802';
const SCHOOL = '100049';
const PROVIDER = 'ALP-001';

const officerPlacements = placements.filter((pl) => pupilOf.get(pl.upn)?.la_code === LA);
const schoolPlacements = placements.filter(
  (pl) => pl.commissioner_urn === SCHOOL || pupilOf.get(pl.upn)?.school_urn === SCHOOL,
);
const providerPlacements = placements.filter((pl) => pl.provider_ref === PROVIDER);

const expected: Record<'officer' | 'school' | 'provider', { pupils: string[]; placements: string[] }> = {
  officer: {
    pupils: sorted(pupils.filter((p) => p.la_code === LA).map((p) => p.upn)),
    placements: sorted(officerPlacements.map((pl) => pl.placement_ref)),
  },
  school: {
    pupils: sorted([
      ...pupils.filter((p) => p.school_urn === SCHOOL).map((p) => p.upn),
      ...placements.filter((pl) => pl.commissioner_urn === SCHOOL).map((pl) => pl.upn),
    ]),
    placements: sorted(schoolPlacements.map((pl) => pl.placement_ref)),
  },
  provider: {
    pupils: sorted(providerPlacements.map((pl) => pl.upn)),
    placements: sorted(providerPlacements.map((pl) => pl.placement_ref)),
  },
};

function principal(role: Principal['role'], scope: Partial<Principal> = {}): Principal {
  return {
    ...localAdministrator(`rls-${role}`),
    role,
    aggregatesOnly: role === 'governor' || role === 'analyst',
    ...scope,
  };
}

const PRINCIPALS = {
  officer: principal('la_officer', { authorities: [LA] }),
  school: principal('school', { schoolUrn: SCHOOL }),
  provider: principal('provider', { providerRef: PROVIDER }),
};

/** Every pupil-level table and what names its rows (a UPN, or the placement reference). */
const ROW_KEYS: Record<string, { sql: string; of: 'pupil' | 'placement' }> = {
  pupil: { sql: 'SELECT upn AS key FROM pupil', of: 'pupil' },
  placement: { sql: 'SELECT placement_ref AS key FROM placement', of: 'placement' },
  destination: {
    sql: 'SELECT (SELECT upn FROM pupil p WHERE p.id = d.pupil_id) AS key, d.pupil_id FROM destination d',
    of: 'pupil',
  },
  attendance: {
    sql: `SELECT (SELECT placement_ref FROM placement pl WHERE pl.id = a.placement_id) AS key FROM attendance a`,
    of: 'placement',
  },
  attendance_span: {
    sql: `SELECT (SELECT placement_ref FROM placement pl WHERE pl.id = s.placement_id) AS key FROM attendance_span s`,
    of: 'placement',
  },
  attendance_week: {
    sql: `SELECT (SELECT placement_ref FROM placement pl WHERE pl.id = w.placement_id) AS key FROM attendance_week w`,
    of: 'placement',
  },
  target: {
    sql: 'SELECT (SELECT placement_ref FROM placement pl WHERE pl.id = t.placement_id) AS key FROM target t',
    of: 'placement',
  },
  review: {
    sql: 'SELECT (SELECT placement_ref FROM placement pl WHERE pl.id = r.placement_id) AS key FROM review r',
    of: 'placement',
  },
  pupil_version: { sql: 'SELECT upn AS key FROM pupil_version', of: 'pupil' },
  placement_version: { sql: 'SELECT placement_ref AS key FROM placement_version', of: 'placement' },
  destination_version: {
    sql: 'SELECT (SELECT upn FROM pupil p WHERE p.id = d.pupil_id) AS key FROM destination_version d',
    of: 'pupil',
  },
  target_version: {
    sql: 'SELECT (SELECT placement_ref FROM placement pl WHERE pl.id = t.placement_id) AS key FROM target_version t',
    of: 'placement',
  },
  review_version: {
    sql: 'SELECT (SELECT placement_ref FROM placement pl WHERE pl.id = r.placement_id) AS key FROM review_version r',
    of: 'placement',
  },
};

let db: Database;

beforeAll(async () => {
  db = await createTestDatabase();
  const results = await importFolder(db, localAdministrator(), EXAMPLE);
  expect(results.flatMap((r) => r.errors)).toEqual([]);
});

afterAll(() => db?.close());

async function keys(wall: RowWall, sql: string, asOf?: string): Promise<string[]> {
  const rows: { key: string }[] = await behindWall(db.dataSource, wall, (m) => m.query(sql), { asOf });
  return rows.map((r) => r.key);
}

/** A transaction as the reader role with no wall settings at all (not even the empty ones). */
async function asBareReader<T>(read: (m: EntityManager) => Promise<T>): Promise<T> {
  const runner = db.dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    try {
      await runner.query(`SET LOCAL ROLE ${READER_ROLE}`);
      return await read(runner.manager);
    } finally {
      await runner.rollbackTransaction();
    }
  } finally {
    await runner.release();
  }
}

describe('behind a principal’s wall, a statement with no WHERE clause', () => {
  for (const who of ['officer', 'school', 'provider'] as const) {
    test(`sees the ${who}'s pupils and placements only`, async () => {
      const wall = rowWall(PRINCIPALS[who]);
      expect(sorted(await keys(wall, ROW_KEYS.pupil.sql))).toEqual(expected[who].pupils);
      expect(sorted(await keys(wall, ROW_KEYS.placement.sql))).toEqual(expected[who].placements);
      // the expected sets are real subsets, so a wall that let everything through would fail here
      expect(expected[who].pupils.length).toBeGreaterThan(0);
      expect(expected[who].pupils.length).toBeLessThan(pupils.length);
      expect(expected[who].placements.length).toBeLessThan(placements.length);
    });

    test(`sees the ${who}'s attendance, spans, targets, reviews and destinations only`, async () => {
      const wall = rowWall(PRINCIPALS[who]);
      const all = rowWall(localAdministrator());
      for (const [table, { sql, of }] of Object.entries(ROW_KEYS)) {
        if (table === 'pupil' || table === 'placement') continue;
        const mine = of === 'pupil' ? expected[who].pupils : expected[who].placements;
        const everything = await keys(all, sql);
        const seen = await keys(wall, sql);
        // every row of the table whose pupil or placement is in scope, and no other
        expect({ table, keys: sorted(seen) }).toEqual({
          table,
          keys: sorted(everything.filter((k) => mine.includes(k))),
        });
        if (table === 'attendance') {
          expect(seen.length).toBeGreaterThan(0);
          expect(seen.length).toBeLessThan(everything.length);
        }
        expect({ table, rows: seen.length }).toEqual({
          table,
          rows: everything.filter((k) => mine.includes(k)).length,
        });
      }
    });
  }

  test('sees every row for an administrator', async () => {
    const wall = rowWall(localAdministrator());
    expect(sorted(await keys(wall, ROW_KEYS.pupil.sql))).toEqual(sorted(pupils.map((p) => p.upn)));
    expect(sorted(await keys(wall, ROW_KEYS.placement.sql))).toEqual(
      sorted(placements.map((p) => p.placement_ref)),
    );
  });

  test('sees nothing for governors and analysts, who do not read rows', async () => {
    for (const p of [
      principal('governor', { schoolUrn: SCHOOL }),
      principal('analyst', { authorities: [LA] }),
    ]) {
      for (const { sql } of Object.values(ROW_KEYS)) expect(await keys(rowWall(p), sql)).toEqual([]);
    }
  });

  test('sees nothing for an LA officer of an authority with no pupils, or of none', async () => {
    for (const authorities of [['999'], []]) {
      const wall = rowWall(principal('la_officer', { authorities }));
      for (const { sql } of Object.values(ROW_KEYS)) expect(await keys(wall, sql)).toEqual([]);
    }
  });

  test('sees nothing for a school or provider that does not exist', async () => {
    for (const wall of [
      rowWall(principal('school', { schoolUrn: '999999' })),
      rowWall(principal('provider', { providerRef: 'NOPE' })),
    ])
      for (const { sql } of Object.values(ROW_KEYS)) expect(await keys(wall, sql)).toEqual([]);
  });
});

describe('reads as of a past date (the history views)', () => {
  beforeAll(async () => {
    // as if every record had been known all along: the views of a past date then show them all
    for (const t of ['pupil', 'placement', 'target', 'review', 'destination'])
      await db.dataSource.query(`UPDATE ${t}_version SET v_known_from = '-infinity'`);
    // and one change known now, so that a past date reads the views rather than the tables
    await db.dataSource.transaction(async (m) => {
      await m.query(`SELECT set_config('alp.known_at', '', true)`);
      await m.query('UPDATE authority SET updated_at = now()');
    });
  });

  test('see the principal’s rows only, through the views', async () => {
    const asOf = '2026-03-02';
    const [{ path: searchPath }] = await behindWall(
      db.dataSource,
      rowWall(PRINCIPALS.officer),
      (m) => m.query(`SELECT current_setting('search_path') AS path`),
      { asOf },
    );
    expect(searchPath).toMatch(/^alp_asof, /);
    expect(sorted(await keys(rowWall(localAdministrator()), ROW_KEYS.pupil.sql, asOf))).toEqual(
      sorted(pupils.map((p) => p.upn)),
    );
    for (const who of ['officer', 'school', 'provider'] as const) {
      const wall = rowWall(PRINCIPALS[who]);
      expect(sorted(await keys(wall, ROW_KEYS.pupil.sql, asOf))).toEqual(expected[who].pupils);
      expect(sorted(await keys(wall, ROW_KEYS.placement.sql, asOf))).toEqual(expected[who].placements);
    }
    expect(await keys({ scope: 'none' }, ROW_KEYS.pupil.sql, asOf)).toEqual([]);
  });
});

describe('without settings the wall fails closed', () => {
  test('the reader role with no settings sees no pupil-level row', async () => {
    // a wall just used on this connection leaves nothing behind (on PGlite it is the same connection)
    await keys(rowWall(localAdministrator()), ROW_KEYS.pupil.sql);
    for (const table of Object.keys(ROW_KEYS)) {
      const [{ n }] = await asBareReader((m) => m.query(`SELECT count(*)::int AS n FROM ${table}`));
      expect({ table, n }).toEqual({ table, n: 0 });
    }
  });

  test('an unknown scope is no scope', async () => {
    const rows = await asBareReader(async (m) => {
      await m.query(`SELECT set_config('alp.scope', 'everything', true)`);
      return m.query('SELECT id FROM pupil');
    });
    expect(rows).toEqual([]);
  });

  test('the reader may not write, nor read users, tokens, sessions, secrets or the audit', async () => {
    const wall = rowWall(localAdministrator());
    const count = 'SELECT count(*)::int AS n FROM pupil WHERE home_educated';
    const [before] = await db.dataSource.query(count);
    await expect(
      behindWall(db.dataSource, wall, (m) => m.query(`UPDATE pupil SET home_educated = true`)),
    ).rejects.toThrow(/permission denied/);
    await expect(behindWall(db.dataSource, wall, (m) => m.query(`DELETE FROM attendance`))).rejects.toThrow(
      /permission denied/,
    );
    for (const table of ['app_user', 'api_token', 'user_session', 'authority_secret', 'audit_event'])
      await expect(behindWall(db.dataSource, wall, (m) => m.query(`SELECT 1 FROM ${table}`))).rejects.toThrow(
        /permission denied/,
      );
    expect(await db.dataSource.query(count)).toEqual([before]);
    expect(before.n).toBeLessThan(pupils.length);
  });

  test('inside a caller’s transaction the wall ends with its read: the caller writes as before', async () => {
    await db.dataSource.transaction(async (m) => {
      const inside = await behindWall(m, rowWall(PRINCIPALS.provider), (r) =>
        r.query('SELECT current_user AS who, count(*)::int AS n FROM pupil'),
      );
      expect(inside).toEqual([{ who: READER_ROLE, n: expected.provider.pupils.length }]);
      const [after] = await m.query(
        `SELECT current_user AS who, current_setting('alp.scope', true) AS scope, (SELECT count(*)::int FROM pupil) AS n`,
      );
      expect(after.who).not.toBe(READER_ROLE);
      expect(after.scope ?? '').toBe('');
      expect(after.n).toBe(pupils.length);
      await m.query(`UPDATE pupil SET first_name = first_name WHERE upn = $1`, [pupils[0].upn]);
    });
  });
});

/**
 * What each idle connection of the pool is left with: its user, the wall's scope setting, and the
 * text of each statement `readBehindWall` prepared on it.
 */
async function idleConnections(): Promise<
  { who: string; scope: string; role: string; prepared: string[] }[]
> {
  const pool = (db.dataSource.driver as PostgresDriver).master as Pool;
  const clients: PoolClient[] = await Promise.all(
    Array.from({ length: pool.idleCount }, () => pool.connect()),
  );
  try {
    return await Promise.all(
      clients.map(async (c) => {
        const r = await c.query(
          `SELECT current_user AS who, coalesce(current_setting('alp.scope', true), '') AS scope,
                  current_setting('role') AS role,
                  ARRAY(SELECT statement FROM pg_prepared_statements
                         WHERE starts_with(name, 'alp_wall_') ORDER BY name) AS prepared`,
        );
        return r.rows[0];
      }),
    );
  } finally {
    for (const c of clients) c.release();
  }
}

describe('one round trip behind the wall (readBehindWall)', () => {
  for (const who of ['officer', 'school', 'provider'] as const)
    test(`sees what behindWall sees for the ${who}`, async () => {
      const wall = rowWall(PRINCIPALS[who]);
      for (const sql of [ROW_KEYS.pupil.sql, ROW_KEYS.placement.sql]) {
        const rows = await readBehindWall<{ key: string }>(db.dataSource, wall, sql, []);
        expect(sorted(rows.map((r) => r.key))).toEqual(sorted(await keys(wall, sql)));
      }
      expect(
        sorted(
          (await readBehindWall<{ key: string }>(db.dataSource, wall, ROW_KEYS.pupil.sql, [])).map(
            (r) => r.key,
          ),
        ),
      ).toEqual(expected[who].pupils);
    });

  test('values arrive as they were given, whatever quotes and backslashes they hold', async () => {
    const tricky = [`O'Brien`, `back\\slash`, `"quoted"`, `'); DROP TABLE pupil; --`, `$1`, 'ünï'];
    const [row] = await readBehindWall<{ v: string; a: string[]; n: number; b: boolean; z: null }>(
      db.dataSource,
      rowWall(localAdministrator()),
      'SELECT $1::text AS v, $2::text[] AS a, $3::int + 1 AS n, $4::boolean AS b, $5::text AS z',
      [tricky.join(' '), tricky, 41, true, null],
    );
    expect(row).toEqual({ v: tricky.join(' '), a: tricky, n: 42, b: true, z: null });
    expect(inlineParameters('SELECT $1', ["it's"])).toBe("SELECT 'it''s'");
    expect(() => inlineParameters('SELECT $2', [1])).toThrow(/\$2/);
    expect(() => inlineParameters('SELECT $1', [{ a: 1 }])).toThrow(/literal/);
  });

  test('nothing is left on the pooled connection, after a read or a failed one', async () => {
    const wall = rowWall(PRINCIPALS.provider);
    await readBehindWall(db.dataSource, wall, ROW_KEYS.pupil.sql, []);
    await expect(readBehindWall(db.dataSource, wall, 'SELECT 1 FROM api_token', [])).rejects.toThrow(
      /permission denied/,
    );
    await expect(readBehindWall(db.dataSource, wall, 'SELECT 1/0', [])).rejects.toThrow(/division by zero/);
    const left = await idleConnections();
    expect(left.length).toBeGreaterThan(0);
    for (const c of left) {
      expect(c.who).not.toBe(READER_ROLE);
      expect(c.role).toBe('none');
      expect(c.scope).toBe('');
      // the failed reads' statements were prepared before they failed: none is left behind
      expect(c.prepared.filter((t) => /api_token|1\/0/.test(t))).toEqual([]);
    }
    // and the connection serves its next user: outside any transaction, as the owner
    const [after] = await db.dataSource.query('SELECT count(*)::int AS n FROM pupil');
    expect(after.n).toBe(pupils.length);
  });

  test('a statement prepared on a connection answers each later caller behind that caller’s wall', async () => {
    const sql = ROW_KEYS.placement.sql;
    const none: RowWall = { scope: 'none' };
    for (let round = 0; round < 3; round++) {
      for (const who of ['officer', 'school', 'provider'] as const) {
        const rows = await readBehindWall<{ key: string }>(db.dataSource, rowWall(PRINCIPALS[who]), sql, []);
        expect(sorted(rows.map((r) => r.key))).toEqual(expected[who].placements);
      }
      expect(await readBehindWall(db.dataSource, none, sql, [])).toEqual([]);
    }
    // prepared once on each connection that ran it, not once per read
    const conns = await idleConnections();
    expect(conns.length).toBeGreaterThan(0);
    for (const c of conns) expect(c.prepared.filter((t) => t.includes(sql)).length).toBeLessThanOrEqual(1);
  });

  test(`a connection keeps at most ${MAX_PREPARED} of the statements, the least recently used deallocated`, async () => {
    const wall = rowWall(PRINCIPALS.officer);
    for (let i = 0; i < MAX_PREPARED + 5; i++) {
      const rows = await readBehindWall<{ n: number }>(
        db.dataSource,
        wall,
        `SELECT $1::int + ${i} AS n, count(*)::int AS pupils FROM pupil`,
        [1],
      );
      expect(rows).toEqual([{ n: i + 1, pupils: expected.officer.pupils.length }]);
    }
    const conns = await idleConnections();
    expect(conns.length).toBeGreaterThan(0);
    for (const c of conns) expect(c.prepared.length).toBeLessThanOrEqual(MAX_PREPARED);
  });

  test('inside a caller’s transaction it is a savepoint, and the caller carries on as before', async () => {
    await db.dataSource.transaction(async (m) => {
      const inside = await readBehindWall<{ who: string }>(
        m,
        rowWall(PRINCIPALS.provider),
        'SELECT current_user AS who',
        [],
      );
      expect(inside).toEqual([{ who: READER_ROLE }]);
      const [after] = await m.query('SELECT current_user AS who, (SELECT count(*)::int FROM pupil) AS n');
      expect(after.who).not.toBe(READER_ROLE);
      expect(after.n).toBe(pupils.length);
    });
  });
});

test('every table with pupil-level rows has row-level security and a policy for the reader', async () => {
  const tables: { table: string; rls: boolean; policies: number }[] = await db.dataSource.query(
    `SELECT c.relname AS table, c.relrowsecurity AS rls,
            (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid
               AND (SELECT oid FROM pg_roles WHERE rolname = $1) = ANY (p.polroles)) AS policies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        AND (c.relname IN ('pupil', 'pupil_version')
             OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND NOT a.attisdropped
                          AND a.attname IN ('pupil_id', 'placement_id')))
      ORDER BY c.relname`,
    [READER_ROLE],
  );
  expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(Object.keys(ROW_KEYS)));
  for (const t of tables) expect(t).toEqual({ table: t.table, rls: true, policies: 1 });
});
