import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { makeUpn } from '../../src/domain/upn';
import { CliEnvironment, createCliEnvironment } from '../support/cli';

const EXAMPLE = path.resolve(__dirname, '../../spec/example');

describe('alp-hub import', () => {
  let cli: CliEnvironment;
  let dir: string;
  beforeAll(async () => {
    cli = await createCliEnvironment();
    dir = mkdtempSync(path.join(os.tmpdir(), 'alp-import-cli-'));
    cpSync(EXAMPLE, path.join(dir, 'example'), { recursive: true });
  });
  afterAll(async () => {
    await cli.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a folder in dependency order, then re-imports it with nothing changed', async () => {
    const first = await cli.run('import', path.join(dir, 'example'));
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines[0]).toBe('authorities.csv: 2 rows: 2 inserted, 0 updated, 0 unchanged');
    expect(lines).toContain('attendance.csv: 1616 rows: 1616 inserted, 0 updated, 0 unchanged');
    expect(lines.at(-2)).toBe('imported 12 files');
    // the first import says its records are known from now, and how to load the past as history
    expect(lines.at(-1)).toMatch(/^These records are known from now: .*--known-at/);

    const second = await cli.run('import', path.join(dir, 'example'));
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('attendance.csv: 1616 rows: 0 inserted, 0 updated, 1616 unchanged');
    expect(second.stdout).not.toMatch(/[1-9]\d* (inserted|updated)/);
    expect(second.stdout).not.toMatch(/known from now/);
  });

  it('rejects a bad file: prints the bad rows, writes them beside the file, exits non-zero', async () => {
    const file = path.join(dir, 'new-pupils.csv');
    const good = makeUpn('802200099001');
    const bad = `Z${good.slice(1)}`;
    writeFileSync(
      file,
      `upn,first_name,last_name,date_of_birth,la_code\n${good},Cy,Test,2012-02-01,802\n${bad},Di,"Test, Jr",2012-02-30,802\n`,
    );
    const run = await cli.run('import', file, '--kind', 'pupils');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('new-pupils.csv: rejected, nothing stored: 2 problems');
    expect(run.stderr).toContain(`line 3, upn "${bad}": not a valid UPN`);
    expect(run.stderr).toContain('line 3, date_of_birth "2012-02-30": 2012-02-30 is not a date that exists');
    const written = readFileSync(`${file}.errors.csv`, 'utf8').split('\r\n');
    expect(written[0]).toBe('line,column,value,reason');
    expect(written[1]).toMatch(new RegExp(`^3,upn,${bad},"?not a valid UPN`));
    expect(written[2]).toBe('3,date_of_birth,2012-02-30,2012-02-30 is not a date that exists');

    const again = await cli.run('import', file, '--kind', 'pupils');
    expect(again.exitCode).toBe(1);
    const check = await cli.run('import', path.join(dir, 'example', 'pupils.csv'));
    expect(check.stdout).toBe('pupils.csv: 12 rows: 0 inserted, 0 updated, 12 unchanged');
  });

  it('stops a folder at the first rejected file and says so', async () => {
    const folder = path.join(dir, 'partial');
    cpSync(path.join(dir, 'example', 'authorities.csv'), path.join(folder, 'authorities.csv'));
    writeFileSync(path.join(folder, 'schools.csv'), 'urn,name,la_code,type\n300001,New School,999,academy\n');
    writeFileSync(
      path.join(folder, 'providers.csv'),
      'provider_ref,name,on_framework,registered\nNEW-1,New,yes,no\n',
    );
    const run = await cli.run('import', folder);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('authorities.csv: 2 rows: 0 inserted, 0 updated, 2 unchanged');
    expect(run.stderr).toContain('line 2, la_code "999": authority 999 does not exist');
    expect(run.stderr).toContain('stopped at schools.csv; the files after it were not imported');
    expect(existsSync(path.join(folder, 'schools.csv.errors.csv'))).toBe(true);
  });

  it('takes <kind>.xlsx workbooks in a folder, and a single workbook', async () => {
    const folder = path.join(dir, 'workbooks');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Providers');
    sheet.addRow(['Provider_Ref', 'Name', 'On_Framework', 'Registered', 'Environment_Risk']);
    sheet.addRow(['WB-1', 'Workbook One', 'Yes', false, 'HIGH']);
    sheet.addRow(['WB-2', 'Workbook Two', true, 'n', null]);
    cpSync(path.join(dir, 'example', 'authorities.csv'), path.join(folder, 'authorities.csv'));
    await workbook.xlsx.writeFile(path.join(folder, 'providers.xlsx'));
    const run = await cli.run('import', folder);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('providers.xlsx: 2 rows: 2 inserted, 0 updated, 0 unchanged');
    const single = await cli.run('import', path.join(folder, 'providers.xlsx'), '--kind', 'providers');
    expect(single.stdout).toBe('providers.xlsx: 2 rows: 0 inserted, 0 updated, 2 unchanged');
  });

  it('refuses a file it cannot read as a whole, and a file whose kind it cannot tell', async () => {
    const file = path.join(dir, 'providers.csv');
    writeFileSync(file, 'provider_ref,name,on_framework,registered,colour\n');
    const run = await cli.run('import', file);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('unknown column colour in a providers file');
    const unnamed = await cli.run('import', path.join(dir, 'new-pupils.csv'));
    expect(unnamed.exitCode).toBe(1);
    expect(unnamed.stderr).toContain('cannot tell the kind of new-pupils.csv');
    const pdf = await cli.run('import', file, '--format', 'pdf');
    expect(pdf.exitCode).not.toBe(0);
    expect(pdf.stderr).toMatch(/Allowed choices are csv, xlsx/);
    const folder = await cli.run('import', dir, '--format', 'csv');
    expect(folder.exitCode).toBe(1);
    expect(folder.stderr).toContain('--format is for one file');
  });
});
