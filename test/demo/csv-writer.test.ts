import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { buildProgram } from '../../src/cli/main';
import {
  CORRECTIONS_FOLDER,
  csvLine,
  DEMO_COLUMNS,
  DEMO_KINDS,
  generateDemo,
  writeDemoCsv,
} from '../../src/demo';

const TODAY = '2026-11-27';

function files(folder: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(folder)) {
    if (name === CORRECTIONS_FOLDER) continue;
    out.set(name, readFileSync(path.join(folder, name)));
  }
  out.set('corrections', readFileSync(path.join(folder, CORRECTIONS_FOLDER, 'attendance.csv')));
  return out;
}

describe('writeDemoCsv', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('the same seed and size give byte-identical files; another seed gives other files', () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    writeDemoCsv(a, generateDemo({ seed: 11, pupils: 150, today: TODAY }));
    writeDemoCsv(b, generateDemo({ seed: 11, pupils: 150, today: TODAY }));
    writeDemoCsv(c, generateDemo({ seed: 12, pupils: 150, today: TODAY }));
    const [fa, fb, fc] = [files(a), files(b), files(c)];
    expect([...fa.keys()].sort()).toEqual([...DEMO_KINDS.map((k) => `${k}.csv`), 'corrections'].sort());
    for (const [name, bytes] of fa) expect(bytes.equals(fb.get(name) as Buffer)).toBe(true);
    for (const name of ['pupils.csv', 'placements.csv', 'attendance.csv'])
      expect((fa.get(name) as Buffer).equals(fc.get(name) as Buffer)).toBe(false);
    // Authorities and their calendars do not depend on the seed.
    expect((fa.get('calendar.csv') as Buffer).equals(fc.get('calendar.csv') as Buffer)).toBe(true);
  });

  test('files parse back (RFC 4180) to exactly the generated rows, header in spec order', () => {
    const dir = tmp();
    const demo = generateDemo({ seed: 5, pupils: 80, today: TODAY });
    writeDemoCsv(dir, demo);
    for (const kind of DEMO_KINDS) {
      const text = readFileSync(path.join(dir, `${kind}.csv`), 'utf8');
      const [header, ...rows] = parse(text) as string[][];
      expect(header).toEqual([...DEMO_COLUMNS[kind]]);
      const expected =
        kind === 'attendance' ? [...demo.attendance()] : (demo[kind] as Record<string, string>[]);
      expect(rows).toEqual(expected.map((r) => header.map((c) => (r as Record<string, string>)[c])));
    }
    const corrections = parse(readFileSync(path.join(dir, CORRECTIONS_FOLDER, 'attendance.csv'), 'utf8'), {
      columns: true,
    });
    expect(corrections).toEqual([...demo.corrections()]);
    expect(readFileSync(path.join(dir, 'placements.csv'), 'utf8')).toContain('"');
  });

  test('an output folder that cannot be made is a clear error, and no file is left behind', () => {
    const dir = tmp();
    const blocker = path.join(dir, 'taken');
    writeFileSync(blocker, 'not a folder');
    expect(() => writeDemoCsv(blocker, generateDemo({ seed: 1, pupils: 20, today: TODAY }))).toThrow(
      /cannot write the demo into .*taken: (EEXIST|ENOTDIR)/,
    );
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  test('csvLine quotes commas, quotes, line breaks and edge spaces', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', ' pad', ''])).toBe(
      'a,"b,c","say ""hi""","two\nlines"," pad",\r\n',
    );
  });

  test('npx alp-hub demo --out writes the files without a database; bad options are refused', async () => {
    const dir = tmp();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await buildProgram().parseAsync([
        'node',
        'alp-hub',
        'demo',
        '--seed',
        '4',
        '--pupils',
        '40',
        '--today',
        TODAY,
        '--out',
        dir,
      ]);
    } finally {
      log.mockRestore();
    }
    const expected = path.join(tmp(), 'x');
    writeDemoCsv(expected, generateDemo({ seed: 4, pupils: 40, today: TODAY }));
    const [got, want] = [files(dir), files(expected)];
    for (const [name, bytes] of want) expect(bytes.equals(got.get(name) as Buffer)).toBe(true);

    const program = buildProgram();
    for (const command of program.commands)
      command.exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(
      program.parseAsync(['node', 'alp-hub', 'demo', '--pupils', 'many', '--out', dir]),
    ).rejects.toThrow(/many is not a whole number/);
    await expect(
      buildProgram().parseAsync(['node', 'alp-hub', 'demo', '--pupils', '3', '--out', dir]),
    ).rejects.toThrow(/pupils must be a whole number from 10/);
  });
});
