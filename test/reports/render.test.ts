import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { ReportDocument, tablesOf } from '../../src/reports/documents/document';
import { buildReport } from '../../src/reports/documents/index';
import { renderReport } from '../../src/reports/render';
import { createTestDatabase } from '../support/database';
import { AS_OF, FROM, loadScenario, Scenario } from './support/scenario';

const admin = localAdministrator('test');

async function readXlsx(buf: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buf as unknown as ArrayBuffer);
  return book;
}

function cellsOf(book: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  book.eachSheet((ws) => ws.eachRow((r) => r.eachCell((c) => out.push(String(c.value)))));
  return out;
}

describe('report renderers, read back', () => {
  let db: Database;
  let scenario: Scenario;
  let dir: string;
  const docs: Partial<Record<'la' | 'governor' | 'provider', ReportDocument>> = {};
  const pdfs = new Map<string, ReturnType<typeof readPdf>>();
  const pdfOf = async (kind: 'la' | 'governor' | 'provider') => {
    if (!pdfs.has(kind))
      pdfs.set(kind, readPdf(await renderReport(docs[kind] as ReportDocument, 'pdf'), kind));
    return pdfs.get(kind) as ReturnType<typeof readPdf>;
  };
  const readPdf = (buf: Buffer, name: string) => {
    const file = path.join(dir, `${name}.pdf`);
    writeFileSync(file, buf);
    return {
      text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }),
      fonts: execFileSync('pdffonts', [file], { encoding: 'utf8' }),
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    scenario = await loadScenario(db);
    dir = mkdtempSync(path.join(tmpdir(), 'alp-render-'));
    docs.la = await buildReport(db, admin, { kind: 'la', asOf: AS_OF, authority: '900' });
    docs.governor = await buildReport(db, admin, {
      kind: 'governor',
      asOf: AS_OF,
      schoolUrn: '900001',
      from: FROM,
    });
    docs.provider = await buildReport(db, admin, {
      kind: 'provider',
      asOf: AS_OF,
      providerRef: 'PRV-B',
      authority: '900',
    });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.close();
  });

  it('PDF: the text reads back, and Roboto is the one font, embedded', async () => {
    for (const kind of ['la', 'governor', 'provider'] as const) {
      const doc = docs[kind] as ReportDocument;
      const { text, fonts } = await pdfOf(kind);
      const flat = text.replace(/\s+/g, ' ');
      expect(flat).toContain(doc.title);
      for (const s of doc.sections) expect(flat).toContain(s.title);
      expect(flat).toContain('Definitions');
      expect(flat).toContain('Small numbers and suppression');
      const fontLines = fonts.split('\n').slice(2).filter(Boolean);
      expect(fontLines.length).toBeGreaterThan(0);
      for (const line of fontLines) {
        expect(line).toMatch(/Roboto/);
        expect(line).toMatch(/\byes\b/); // embedded
      }
    }
    const governor = (await pdfOf('governor')).text;
    expect(governor).toMatch(/Attendance rate\s+87\.5%/);
    expect(governor).toMatch(/Attendance targets met\s+suppressed/);
    const la = (await pdfOf('la')).text;
    expect(la).toContain('Attendance by week (numbers of the chart)');
    expect(la).toContain('Description: Line chart');
  });

  it('HTML: one self-contained file, charts with alt text and their tables', async () => {
    const html = (await renderReport(docs.la as ReportDocument, 'html')).toString('utf8');
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    expect(html).toMatch(
      /<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="Line chart of the weekly attendance/,
    );
    expect(html).toContain('<caption>Attendance by week (numbers of the chart)</caption>');
    expect(html).toContain('<h2>Definitions</h2>');
  });

  it('XLSX: an About sheet, then one sheet per table, numbers as numbers and "suppressed" as a word', async () => {
    const doc = docs.governor as ReportDocument;
    const book = await readXlsx(await renderReport(doc, 'xlsx'));
    expect(book.worksheets.map((w) => w.name)).toEqual(['About', ...tablesOf(doc).map((t) => t.name)]);
    const outcomes = book.getWorksheet('Outcomes');
    const rows = outcomes?.getRows(2, (outcomes?.rowCount ?? 1) - 1) ?? [];
    const rate = rows.find((r) => r.getCell(1).value === 'Attendance rate');
    expect(rate?.getCell(2).value).toBeCloseTo(0.875);
    expect(rate?.getCell(2).numFmt).toBe('0.0%');
    expect(rows.find((r) => r.getCell(1).value === 'Attendance targets met')?.getCell(2).value).toBe(
      'suppressed',
    );
    const cost = book.getWorksheet('Cost')?.getRow(2);
    expect(cost?.getCell(2).value).toBeCloseTo(6428.57);
    const la = await readXlsx(await renderReport(docs.la as ReportDocument, 'xlsx'));
    expect(la.getWorksheet('Attendance by week')?.getImages()).toHaveLength(1);
  });

  it('CSV: one table, the first by default or the one named', async () => {
    const doc = docs.provider as ReportDocument;
    const first = parse((await renderReport(doc, 'csv')).toString('utf8')) as string[][];
    expect(first[0]).toEqual(['Measure', 'This provider', 'Out of', 'Framework median']);
    expect(first.find((r) => r[0] === 'Attendance reported on the day')?.slice(1)).toEqual([
      '0.6',
      '100',
      '0.8',
    ]);
    const evidence = parse(
      (await renderReport(doc, 'csv', { table: 'evidence' })).toString('utf8'),
    ) as string[][];
    expect(evidence[0]).toEqual(['Item', 'Status', 'Dated', 'Expires', 'Gap']);
    await expect(renderReport(doc, 'csv', { table: 'nope' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(renderReport(doc, 'docx')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it("no format of a governor's document holds a pupil's name, UPN or date of birth", async () => {
    const doc = docs.governor as ReportDocument;
    const texts = [
      (await pdfOf('governor')).text,
      (await renderReport(doc, 'html')).toString('utf8'),
      cellsOf(await readXlsx(await renderReport(doc, 'xlsx'))).join('\n'),
      ...(await Promise.all(
        tablesOf(doc).map(async (t) => (await renderReport(doc, 'csv', { table: t.name })).toString()),
      )),
    ];
    for (const text of texts) {
      for (const p of scenario.identities) {
        for (const s of [
          p.upn,
          p.firstName,
          p.lastName,
          p.dateOfBirth,
          p.dateOfBirth.split('-').reverse().join('/'),
        ])
          expect(text).not.toContain(s);
      }
    }
  });

  it('neutralises spreadsheet formulas in XLSX and CSV cells', async () => {
    const evil: ReportDocument = {
      kind: 'la',
      names: { pupils: [], placements: [] },
      title: 'Injection',
      subtitle: 'test',
      asOf: AS_OF,
      period: null,
      audience: 'administrator',
      sections: [
        {
          title: 'Rows',
          blocks: [
            {
              kind: 'table',
              table: {
                name: 'Rows',
                caption: 'Rows',
                columns: [{ header: 'Text' }, { header: 'Number', numeric: true }],
                rows: [
                  ['=HYPERLINK("http://x","y")', -3],
                  ['+1+1', 2],
                  ['-2+3', 3],
                  ['@SUM(A1)', 4],
                  ['plain - text', 5],
                ],
                empty: '',
              },
            },
          ],
        },
      ],
      definitions: [],
      suppressionNotes: [],
    };
    const book = await readXlsx(await renderReport(evil, 'xlsx'));
    const ws = book.getWorksheet('Rows');
    const col = [2, 3, 4, 5, 6].map((i) => ws?.getRow(i).getCell(1).value);
    expect(col).toEqual(['\'=HYPERLINK("http://x","y")', "'+1+1", "'-2+3", "'@SUM(A1)", 'plain - text']);
    expect(ws?.getRow(2).getCell(2).value).toBe(-3);
    const csv = parse((await renderReport(evil, 'csv')).toString('utf8')) as string[][];
    expect(csv.slice(1).map((r) => r[0])).toEqual(col);
    expect(csv[1][1]).toBe('-3');
  });
});
