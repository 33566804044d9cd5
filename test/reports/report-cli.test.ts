import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { CliEnvironment, createCliEnvironment } from '../support/cli';

const EXAMPLE = path.join(__dirname, '../../spec/example');

describe('alp-hub report <kind>', () => {
  let cli: CliEnvironment;
  let dir: string;
  beforeAll(async () => {
    cli = await createCliEnvironment();
    dir = mkdtempSync(path.join(os.tmpdir(), 'alp-report-cli-'));
    expect((await cli.run('import', EXAMPLE, '--known-at', '2025-09-01T00:00:00Z')).exitCode).toBe(0);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await cli.close();
  });

  it('writes the LA monitoring report as a PDF', async () => {
    const out = path.join(dir, 'la.pdf');
    const res = await cli.run(
      'report',
      'la',
      '--as-of',
      '2026-11-03',
      '--authority',
      '801',
      '--format',
      'pdf',
      '--out',
      out,
    );
    expect(res).toMatchObject({ exitCode: 0, stdout: `wrote ${out}` });
    const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
    expect(text).toContain('Alternative provision monitoring report');
    expect(text).toContain('Z801200025003');
    // the children it names are in the audit, under the operator
    const audit = await cli.run('audit', '--pupil', 'Z801200025003', '--csv');
    expect(audit.stdout.split('\n').some((l) => /,os:[^,]+,admin,report,report la pdf,pupil,/.test(l))).toBe(
      true,
    );
  });

  it('writes the governor report as CSV (one table) and HTML, without names', async () => {
    const csv = path.join(dir, 'gov.csv');
    const res = await cli.run(
      'report',
      'governor',
      '--as-of',
      '2026-11-03',
      '--school',
      '100049',
      '--from',
      '2026-09-01',
      '--format',
      'csv',
      '--table',
      'Outcomes',
      '--out',
      csv,
    );
    expect(res.exitCode).toBe(0);
    const rows = parse(readFileSync(csv, 'utf8')) as string[][];
    expect(rows[0]).toEqual(['Measure', 'Value']);
    expect(rows.find((r) => r[0] === 'Placements ended in the period')?.[1]).toBe('0');
    const html = path.join(dir, 'gov.html');
    expect(
      (await cli.run('report', 'governor', '--as-of', '2026-11-03', '--school', '100049', '--out', html))
        .exitCode,
    ).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('How alternative provision is working for School 7');
    expect(page).not.toMatch(/Pupil\d|[A-Z]\d{12}|2009-09-01|2018-09-01/);
  });

  it('writes the provider scorecard as a workbook', async () => {
    const out = path.join(dir, 'provider.xlsx');
    const res = await cli.run(
      'report',
      'provider',
      '--as-of',
      '2026-11-03',
      '--provider',
      'ALP-000',
      '--format',
      'xlsx',
      '--out',
      out,
    );
    expect(res.exitCode).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.getWorksheet('Scorecard')?.getRow(1).values).toEqual([
      undefined,
      'Measure',
      'This provider',
      'Out of',
      'Framework median',
    ]);
  });

  it('says what is missing or wrong, exits non-zero, and writes nothing', async () => {
    const out = path.join(dir, 'none.pdf');
    const noSchool = await cli.run('report', 'governor', '--as-of', '2026-11-03', '--out', out);
    expect(noSchool.exitCode).not.toBe(0);
    expect(noSchool.stderr).toMatch(/needs a school/);
    const badDate = await cli.run(
      'report',
      'la',
      '--as-of',
      '2026-02-30',
      '--authority',
      '801',
      '--out',
      out,
    );
    expect(badDate.exitCode).not.toBe(0);
    expect(badDate.stderr).toMatch(/asOf must be a date/);
    const badKind = await cli.run('report', 'pupil', '--out', out);
    expect(badKind.exitCode).not.toBe(0);
    expect(badKind.stderr).toMatch(/unknown report pupil; one of la, governor, provider/);
    const badFormat = await cli.run('report', 'la', '--authority', '801', '--out', path.join(dir, 'x.docx'));
    expect(badFormat.exitCode).not.toBe(0);
    expect(badFormat.stderr).toMatch(/--format must be one of pdf, html, xlsx, csv/);
    expect(existsSync(out)).toBe(false);
  });

  it('audits a workbook only once it is written', async () => {
    const exports = async () =>
      (await cli.run('audit', '--csv')).stdout
        .split('\n')
        .filter((l) => l.includes(',export,report workbook,')).length;
    const before = await exports();
    const nowhere = await cli.run(
      'report',
      '--as-of',
      '2026-11-03',
      '--out',
      path.join(dir, 'no/such/dir/x.xlsx'),
    );
    expect(nowhere.exitCode).not.toBe(0);
    expect(await exports()).toBe(before);
    const written = path.join(dir, 'book.xlsx');
    expect((await cli.run('report', '--as-of', '2026-11-03', '--out', written)).exitCode).toBe(0);
    expect(existsSync(written)).toBe(true);
    expect(await exports()).toBe(before + 1);
  });
});
