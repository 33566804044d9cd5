import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { importFolder } from '../../src/ingest';
import { cellText, ReportDocument, Table, tablesOf } from '../../src/reports/documents/document';
import { buildLaReport, loadLaReport } from '../../src/reports/documents/la-monitoring.document';
import { generateReport } from '../../src/reports/report.service';
import { createTestDatabase } from '../support/database';

const EXAMPLE = path.join(__dirname, '../../spec/example');

/** The expected flags of spec/example at a date that concern authority 801. */
function expected(date: string): Set<string> {
  return new Set(
    readFileSync(path.join(EXAMPLE, `expected-flags-${date}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as { code: string; subjectType: string; subjectKey: string; authorities: string[] },
      )
      .filter((f) => f.authorities.includes('801'))
      .map((f) => `${f.code} ${f.subjectKey}`),
  );
}

function table(doc: ReportDocument, name: string): Table {
  const t = tablesOf(doc).find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}

describe('LA monitoring report on spec/example', () => {
  let db: Database;
  let doc: ReportDocument;
  beforeAll(async () => {
    db = await createTestDatabase();
    const results = await importFolder(db, localAdministrator(), EXAMPLE);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    doc = buildLaReport(
      await loadLaReport(db, localAdministrator(), {
        asOf: '2026-11-03',
        authority: '801',
        since: '2026-03-02',
      }),
    );
  });
  afterAll(() => db.close());

  it('audits the children and placements it names, for whoever it was generated', async () => {
    const who = { ...localAdministrator(), name: 'report-reader' };
    await generateReport(db, who, {
      kind: 'la',
      format: 'csv',
      asOf: '2026-11-03',
      authority: '801',
      from: '2026-03-02',
    });
    const rows: { subject_kind: string; subjects: string[] }[] = await db.dataSource.query(
      `SELECT subject_kind, subjects FROM audit_event WHERE actor = 'report-reader' AND action = 'report'`,
    );
    const of = (kind: string) => [...(rows.find((r) => r.subject_kind === kind)?.subjects ?? [])].sort();
    expect(of('authority')).toEqual(['801']);
    const named = tablesOf(doc).flatMap((t) => t.rows.flat().map((c) => cellText(c)));
    const upns = [...new Set(named.filter((c) => /^[A-Z]\d{12}$/.test(c)))].sort();
    expect(upns.length).toBeGreaterThan(0);
    expect(of('pupil')).toEqual(expect.arrayContaining(upns));
    expect(table(doc, 'Placements in breach').rows.length).toBeGreaterThan(0);
    expect(of('placement')).toEqual(
      expect.arrayContaining(table(doc, 'Placements in breach').rows.map((r) => String(r[0]))),
    );
  });

  it('lists every child flagged, with the reasons, most flags first', () => {
    const children = table(doc, 'Children');
    const now = expected('2026-11-03');
    const pupils = [...now].filter((k) => /^[A-Z_]+ [A-Z]\d{12}$/.test(k)).map((k) => k.split(' ')[1]);
    expect(children.rows.map((r) => r[1]).sort()).toEqual([...new Set(pupils)].sort());
    const z = children.rows.find((r) => r[1] === 'Z801200025003');
    expect(z?.[0]).toBe('Pupil3 Test');
    expect(String(z?.[3])).toMatch(/^Not on a school roll: Year 8/m);
    const counts = children.rows.map((r) => String(r[3]).split('\n').length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('lists the placements in breach and the providers to check, as the flags say', () => {
    const now = expected('2026-11-03');
    const placementKeys = table(doc, 'Placements in breach').rows.map((r) => r[0]);
    expect(new Set(placementKeys)).toEqual(
      new Set([...now].filter((k) => / PL-\d+$/.test(k)).map((k) => k.split(' ')[1])),
    );
    const providers = table(doc, 'Providers to check');
    expect(providers.rows.length).toBe([...now].filter((k) => / ALP-\d+$/.test(k)).length);
  });

  it('says what changed since the previous report: exactly the difference of the two expected lists', () => {
    const before = expected('2026-03-02');
    const now = expected('2026-11-03');
    const changes = table(doc, 'Changes');
    const raised = changes.rows.filter((r) => r[0] === 'raised').length;
    const cleared = changes.rows.filter((r) => r[0] === 'cleared').length;
    expect(raised).toBe([...now].filter((k) => !before.has(k)).length);
    expect(cleared).toBe([...before].filter((k) => !now.has(k)).length);
  });

  it('has the weekly trends as charts with titles, axes, alt text and their numbers', () => {
    const charts = doc.sections.flatMap((s) =>
      s.blocks.flatMap((b) => (b.kind === 'chart' ? [b.chart] : [])),
    );
    expect(charts).toHaveLength(2);
    for (const c of charts) {
      expect(c.title).not.toBe('');
      expect(c.xLabel).not.toBe('');
      expect(c.yLabel).not.toBe('');
      expect(c.alt).toMatch(/Line chart/);
      expect(c.table.rows).toHaveLength(c.labels.length);
      expect(c.labels[0]).toBe('2026-09-01');
      expect(c.labels[c.labels.length - 1]).toBe('2026-11-03');
    }
    const notOnRoll = table(doc, 'Flag counts').rows.find((r) => r[0] === 'Not on a school roll');
    expect(cellText(notOnRoll?.[2] ?? null)).toBe('1');
    expect(doc.definitions.some((d) => d.term === 'Not on a school roll')).toBe(true);
    expect(doc.suppressionNotes.length).toBeGreaterThan(0);
  });
});
