import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { CliEnvironment, createCliEnvironment } from '../support/cli';

const EXAMPLE = path.join(__dirname, '../../spec/example');

function expected(date: string) {
  return readFileSync(path.join(EXAMPLE, `expected-flags-${date}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** `npx alp-hub ...` end to end, on a database of its own, as a user types it. */
describe('alp-hub CLI', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await createCliEnvironment();
  });
  afterAll(() => cli.close());

  it('migrates, imports the example folder, and re-imports it without change', async () => {
    const migrate = await cli.run('migrate');
    expect(migrate).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/applied|up to date/) });
    // as spec/example/README.md says: a back-load known from before both of its dates
    const first = await cli.run('import', EXAMPLE, '--known-at', '2025-09-01T00:00:00Z');
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).not.toMatch(/known from now/);
    expect(first.stdout.split('\n').at(-1)).toMatch(/^A back-load changes .* alp-hub keep-points/);
    const again = await cli.run('import', EXAMPLE);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/attendance/);
    expect(again.stdout).not.toMatch(/[1-9]\d* (inserted|updated|new|changed)/);
  });

  it.each(['2026-03-02', '2026-11-03'])('prints exactly the spec flags at %s as JSON', async (date) => {
    const res = await cli.run('flags', '--as-of', date, '--json');
    expect(res.exitCode).toBe(0);
    const flags = JSON.parse(res.stdout) as { reason: string }[];
    expect(flags.every((f) => f.reason.length > 0)).toBe(true);
    const strip = (f: { reason?: string }) => {
      const { reason: _reason, ...rest } = f;
      return JSON.stringify(rest);
    };
    expect(flags.map(strip).sort()).toEqual(expected(date).map(strip).sort());
  });

  it('filters flags by authority and code, and prints a table for people', async () => {
    const res = await cli.run(
      'flags',
      '--as-of',
      '2026-11-03',
      '--authority',
      '801',
      '--code',
      'NOT_ON_ROLL',
    );
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toMatch(/NOT_ON_ROLL\s+pupil\s+Z801200025003\s+801\s+/);
    expect(res.stdout).toMatch(/1 flag$/);
  });

  it('prints the indicators, and writes the report workbook', async () => {
    const table = await cli.run('indicators', '--as-of', '2026-11-03', '--authority', '801');
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/NOT_ON_ROLL\s+1/);
    const json = await cli.run('indicators', '--as-of', '2026-11-03', '--json');
    expect(JSON.parse(json.stdout).flagCounts).toContainEqual({
      code: 'NOT_ON_ROLL',
      count: { value: 1, denominator: null, suppressed: false },
    });
    const out = path.join(require('node:os').tmpdir(), `alp-hub-report-${process.pid}.xlsx`);
    const report = await cli.run('report', '--as-of', '2026-11-03', '--out', out);
    expect(report).toMatchObject({ exitCode: 0, stdout: `wrote ${out}` });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.getWorksheet('Flags')?.rowCount).toBe(expected('2026-11-03').length + 1);
  });

  it('says what is wrong with a bad date, and exits non-zero', async () => {
    const res = await cli.run('flags', '--as-of', '2026-02-30');
    expect(res.exitCode).not.toBe(0);
    expect(res.stderr).toMatch(/asOf must be a date YYYY-MM-DD/);
  });
});
