import 'reflect-metadata';
import os from 'node:os';
import { Logger } from 'typeorm';
import { operator } from '../src/auth/principal';
import { createToken } from '../src/auth/tokens.service';
import { addUser } from '../src/auth/users.service';
import { Database } from '../src/db/database';
import { makeUpn } from '../src/domain/upn';
import { startServer } from '../src/server/app';
import { openBenchDatabase } from './bench-database';

/**
 * GraphQL read benchmark: pages through every placement with its pupil, provider, school, targets and
 * reviews (the caseworker's list of docs/api.md), 500 a page, over HTTP, as an LA officer of the
 * authority with a bearer token (so each page passes the token check, the row-level wall and the read
 * audit, as a caseworker's would). Usage (after `npm run build`):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/api-nested-query.js [placements]
 *   node dist/bench/api-nested-query.js [placements]      (embedded PGlite, in memory)
 * Creates (and drops) its own database on the server; prints one JSON object of figures.
 */
const QUERY = `query ($after: String) { placements(first: 500, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { placementRef type hoursPerWeek sessions active(asOf: "2026-03-02")
    pupil { upn firstName lastName keyStage(asOf: "2026-03-02") school { urn name } authority { laCode } }
    provider { providerRef name registered evidence { item status } }
    commissionerSchool { urn }
    targets { targetRef kind status }
    reviews { reviewDate progress } } } }`;

class Counter implements Logger {
  count = 0;
  logQuery(): void {
    this.count += 1;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** One authority, 50 schools, 100 providers with 5 evidence items, `n` pupils each with one placement, 2 targets, 2 reviews. */
async function seed(db: Database, n: number): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  await q(`INSERT INTO authority (la_code, name) VALUES ('802', 'Bench Authority')`);
  await q(`INSERT INTO school (urn, name, authority_id, type)
    SELECT (100000 + g)::text, 'School ' || g, (SELECT id FROM authority), 'academy' FROM generate_series(1, 50) g`);
  await q(`INSERT INTO provider (provider_ref, name, on_framework, registered)
    SELECT 'PRV' || g, 'Provider ' || g, true, g % 3 = 0 FROM generate_series(1, 100) g`);
  await q(`INSERT INTO provider_evidence (provider_id, item, status)
    SELECT p.id, i.item, 'held' FROM provider p,
    unnest(ARRAY['dsl', 'deputy_dsl', 'public_liability_insurance', 'risk_assessments', 'rse_policy']) AS i(item)`);
  const upns = Array.from({ length: n }, (_, i) => makeUpn(`80120${String(i).padStart(7, '0')}`));
  await q(
    `INSERT INTO pupil (upn, first_name, last_name, date_of_birth, authority_id, school_id)
     SELECT u, 'First' || o, 'Last' || o, DATE '2010-09-01' + (o % 1800)::int, (SELECT id FROM authority),
       (SELECT id FROM school ORDER BY id OFFSET (o % 50) LIMIT 1)
     FROM unnest($1::text[]) WITH ORDINALITY AS t(u, o)`,
    [upns],
  );
  await q(`INSERT INTO placement (placement_ref, pupil_id, commissioner_school_id, provider_id, type, start_date, hours_per_week)
    SELECT 'PL' || p.id, p.id, p.school_id, (SELECT id FROM provider ORDER BY id OFFSET (p.id % 100) LIMIT 1),
      'part_time', DATE '2026-01-05', 10 FROM pupil p`);
  await q(`INSERT INTO target (placement_id, target_ref, kind, description)
    SELECT pl.id, 'T' || g, 'academic', 'Target ' || g FROM placement pl, generate_series(1, 2) g`);
  await q(`INSERT INTO review (placement_id, review_date, progress)
    SELECT pl.id, DATE '2026-02-02' + 28 * g, 'some' FROM placement pl, generate_series(0, 1) g`);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 5000);
  const counter = new Counter();
  const { db, drop } = await openBenchDatabase({ logger: counter });
  const server = await startServer({ db, port: 0, host: '127.0.0.1' });
  try {
    await seed(db, n);
    await addUser(db.dataSource, operator('bench'), {
      username: 'caseworker',
      role: 'la_officer',
      authorities: ['802'],
    });
    const { token } = await createToken(db.dataSource, operator('bench'), 'caseworker', 3_600_000);
    const pageMs: number[] = [];
    const pageStatements: number[] = [];
    let peakRss = process.memoryUsage().rss;
    // Two passes: the first warms the JIT and the database's caches; the second is measured.
    for (let pass = 0; pass < 2; pass++) {
      let after: string | null = null;
      let seen = 0;
      do {
        const before = counter.count;
        const start = process.hrtime.bigint();
        const res = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: QUERY, variables: { after } }),
        });
        const body = (await res.json()) as {
          data: { placements: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
          errors?: unknown;
        };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (pass === 1) {
          pageMs.push(ms);
          pageStatements.push(counter.count - before);
        }
        seen += body.data.placements.nodes.length;
        after = body.data.placements.pageInfo.hasNextPage ? body.data.placements.pageInfo.endCursor : null;
      } while (after);
      if (seen !== n) throw new Error(`saw ${seen} placements, expected ${n}`);
    }
    const sorted = [...pageMs].sort((a, b) => a - b);
    const figures = {
      database: db.embedded ? 'embedded PGlite' : 'PostgreSQL server',
      machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB`,
      node: process.version,
      placements: n,
      pages: pageMs.length,
      statementsPerPage: [...new Set(pageStatements)],
      pageMsMedian: Math.round(sorted[Math.floor(sorted.length / 2)]),
      pageMsMax: Math.round(sorted[sorted.length - 1]),
      totalSeconds: (pageMs.reduce((a, b) => a + b, 0) / 1000).toFixed(2),
      peakRssMb: Math.round(peakRss / 1048576),
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await server.close();
    await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
