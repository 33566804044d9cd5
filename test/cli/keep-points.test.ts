import { CliEnvironment, createCliEnvironmentWithExample } from '../support/cli';

/** `npx alp-hub keep-points` on the worked example, as an operator types it. */
describe('alp-hub keep-points', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await createCliEnvironmentWithExample();
  });
  afterAll(() => cli.close());

  it('computes and stores the missing points of the days asked, per scope, then none again', async () => {
    const first = await cli.run('keep-points', '--from', '2026-03-01', '--to', '2026-03-07');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^21 points computed and stored for 3 scopes, 7 days from 2026-03-01/);
    expect(first.stderr).toContain('*: 7 of 7 points computed');
    const again = await cli.run(
      'keep-points',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-07',
      '--authority',
      '801',
    );
    expect(again.stdout).toMatch(/^0 points computed and stored for 1 scopes, 7 days/);
  });

  it('refuses a bad date, a range that ends before it starts and an unknown authority, storing nothing', async () => {
    const bad = await cli.run('keep-points', '--from', '01/03/2026');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/from/);
    const backwards = await cli.run('keep-points', '--from', '2026-03-07', '--to', '2026-03-01');
    expect(backwards.exitCode).toBe(1);
    expect(backwards.stderr).toMatch(/from must be on or before to/);
    const unknown = await cli.run(
      'keep-points',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-02',
      '--authority',
      '999',
    );
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/authority 999 does not exist/);
  });
});
