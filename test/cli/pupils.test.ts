import { CliEnvironment, createCliEnvironmentWithExample } from '../support/cli';

const UPN = 'A802200025001';

/** `npx alp-hub pupils erase` and `pupils retention` on the worked example, as an administrator types them. */
describe('alp-hub pupils', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await createCliEnvironmentWithExample();
  });
  afterAll(() => cli.close());

  it('retention lists, as JSON, pupils whose kept-until date has passed', async () => {
    const none = await cli.run('pupils', 'retention', '--on', '2026-11-03', '--json');
    expect(none.exitCode).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const later = await cli.run('pupils', 'retention', '--on', '2099-01-01', '--json');
    const rows: { upn: string; keptUntil: string; retentionYears: number }[] = JSON.parse(later.stdout);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.keptUntil < '2099-01-01').toBe(true);
      expect(r.retentionYears).toBe(7);
    }
    const table = await cli.run('pupils', 'retention', '--on', '2099-01-01');
    expect(table.stdout).toMatch(/upn +la +last placement ended +kept until/);
    const bad = await cli.run('pupils', 'retention', '--on', '03/11/2026');
    expect(bad.exitCode).toBe(1);
  });

  it('erase removes the pupil everywhere, and the audit keeps the erasure by id only', async () => {
    const before = await cli.run('flags', '--as-of', '2026-11-03', '--json');
    expect(before.stdout).toContain(UPN);
    const res = await cli.run('pupils', 'erase', UPN);
    expect(res).toMatchObject({ exitCode: 0, stderr: '' });
    expect(res.stdout).toMatch(new RegExp(`erased pupil ${UPN} \\(internal id \\d+\\)`));
    expect(res.stdout).toMatch(/placement +1/);
    expect(res.stdout).toMatch(/destination +2/);

    const after = await cli.run('flags', '--as-of', '2026-11-03', '--json');
    expect(after.exitCode).toBe(0);
    expect(after.stdout).not.toContain(UPN);
    expect(after.stdout).not.toContain('PL-0002');
    const audit = await cli.run('audit', '--csv');
    expect(audit.stdout.split('\n').filter((line) => line.includes(UPN))).toEqual([]);
    expect(audit.stdout).toMatch(/erase pupil/);

    const again = await cli.run('pupils', 'erase', UPN);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/pupil A802200025001 does not exist/);
    const bad = await cli.run('pupils', 'erase', 'A802200025009');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/check letter|UPN/i);
  });
});
