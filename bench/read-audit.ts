import 'reflect-metadata';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { Client } from 'pg';
import { readAuditPlugin } from '../src/audit/read-audit.plugin';
import { accessRulesPlugin } from '../src/auth/access-rules';
import { localAdministrator, Principal } from '../src/auth/principal';
import { Database, openDatabase } from '../src/db/database';
import { loadDemo } from '../src/demo/load';
import { buildHubSchema } from '../src/schema/build-schema';
import { Context, createContext } from '../src/server/context';

/**
 * What the read audit (src/audit/read-audit.plugin.ts) costs a pupil-level GraphQL read: the same
 * operations executed in one process by two Apollo servers over the same schema and database, one with
 * the plugin and one without, alternating request by request, as an LA officer of the demo's first
 * authority. Both run the access rules plugin, and both read behind the row-level wall; HTTP is left
 * out, so the figure is the plugin's share of the work the hub does for a request. Usage (after
 * `npm run build`):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/read-audit.js [--requests 200]
 *   node dist/bench/read-audit.js [--requests 200]          (embedded PGlite, in memory)
 * The demo (600 pupils) is loaded into a database of its own (`alp_bench_read_audit` on the server,
 * made afresh and dropped at the end). Prints one JSON object: median milliseconds per request of each variant, their ratio,
 * and the audit rows written (one per kind of subject per audited request).
 */
const OPERATIONS: Record<string, string> = {
  placementsPage: `{ placements(first: 50) { nodes { placementRef pupil { upn school { name } } provider { name } } } }`,
  pupilsPage: `{ pupils(first: 50) { nodes { upn firstName lastName placements { placementRef } } } }`,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const SERVER_DATABASE = 'alp_bench_read_audit';

async function onServer(sql: string): Promise<void> {
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function openBenchDatabase(): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDatabase({ dataDir: null, migrate: true });
  await onServer(`DROP DATABASE IF EXISTS ${SERVER_DATABASE} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${SERVER_DATABASE}`);
  const url = new URL(serverUrl);
  url.pathname = `/${SERVER_DATABASE}`;
  return openDatabase({ url: url.toString(), migrate: true });
}

async function server(plugins: ApolloServerPlugin<Context>[]): Promise<ApolloServer<Context>> {
  const apollo = new ApolloServer<Context>({ schema: await buildHubSchema(), plugins });
  await apollo.start();
  return apollo;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--requests');
  const requests = at > 0 ? Number(process.argv[at + 1]) : 200;
  const db = await openBenchDatabase();
  try {
    await loadDemo(db, localAdministrator('bench'), { seed: 1, pupils: 600, today: '2026-03-03' });
    const [{ la_code: la }] = await db.dataSource.query('SELECT la_code FROM authority ORDER BY 1 LIMIT 1');
    const officer: Principal = {
      ...localAdministrator('bench-officer'),
      role: 'la_officer',
      authorities: [la],
    };
    const variants = {
      audited: await server([accessRulesPlugin, readAuditPlugin]),
      unaudited: await server([accessRulesPlugin]),
    };
    const figures: Record<string, unknown> = {
      database: db.embedded ? 'embedded PGlite' : 'PostgreSQL server',
      requests,
      as: `la_officer ${la}`,
    };
    for (const [name, query] of Object.entries(OPERATIONS)) {
      const ms: Record<keyof typeof variants, number[]> = { audited: [], unaudited: [] };
      const [{ n: before }] = await db.dataSource.query('SELECT count(*)::int AS n FROM audit_event');
      for (let i = 0; i < requests + 10; i += 1) {
        // alternate which goes first; the first ten of each are a warm-up
        const order = (
          i % 2 === 0 ? ['audited', 'unaudited'] : ['unaudited', 'audited']
        ) as (keyof typeof variants)[];
        for (const v of order) {
          const t = performance.now();
          const res = await variants[v].executeOperation(
            { query },
            { contextValue: createContext(db, officer) },
          );
          const took = performance.now() - t;
          if (res.body.kind !== 'single' || res.body.singleResult.errors)
            throw new Error(`${name}: ${JSON.stringify(res.body)}`);
          if (i >= 10) ms[v].push(took);
        }
      }
      const [{ n: after }] = await db.dataSource.query('SELECT count(*)::int AS n FROM audit_event');
      const audited = median(ms.audited);
      const unaudited = median(ms.unaudited);
      figures[name] = {
        medianMs: { audited: Math.round(audited * 100) / 100, unaudited: Math.round(unaudited * 100) / 100 },
        auditedOverUnaudited: Math.round((audited / unaudited) * 100) / 100,
        auditRowsPerAuditedRequest: Math.round(((after - before) / (requests + 10)) * 100) / 100,
      };
    }
    await Promise.all(Object.values(variants).map((s) => s.stop()));
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await db.close();
    if (process.env.DATABASE_URL) await onServer(`DROP DATABASE IF EXISTS ${SERVER_DATABASE} WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
