import path from 'node:path';
import { Readable } from 'node:stream';
import { CliEnvironment, createCliEnvironment } from '../support/cli';

const EXAMPLE = path.join(__dirname, '../../spec/example');

/** Runs the command with `input` on standard input, as `echo ... | npx alp-hub ...` would. */
async function withStdin<T>(input: string, fn: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process, 'stdin');
  Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(input)]), configurable: true });
  try {
    return await fn();
  } finally {
    if (original) Object.defineProperty(process, 'stdin', original);
  }
}

/** The operator's commands for users, tokens and the audit, exactly as docs/access.md gives them. */
describe('alp-hub users, tokens and audit', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await createCliEnvironment();
    expect((await cli.run('import', EXAMPLE)).exitCode).toBe(0);
  });
  afterAll(() => cli.close());

  it('adds users of each role with their scope, and lists them', async () => {
    const officer = await withStdin('a long enough password\n', () =>
      cli.run('users', 'add', 'jo.bloggs', '--role', 'la_officer', '--authority', '802', '--password-stdin'),
    );
    expect(officer).toMatchObject({ exitCode: 0, stdout: 'added jo.bloggs (la_officer)' });
    expect((await cli.run('users', 'add', 'gov1', '--role', 'governor', '--school', '100049')).exitCode).toBe(
      0,
    );
    expect(
      (
        await cli.run(
          'users',
          'add',
          'register-bot',
          '--role',
          'provider',
          '--provider',
          'ALP-001',
          '--machine',
        )
      ).exitCode,
    ).toBe(0);
    const list = await cli.run('users', 'list', '--json');
    const users = JSON.parse(list.stdout) as {
      username: string;
      role: string;
      authorities: string[];
      schoolUrn: string | null;
      providerRef: string | null;
      machine: boolean;
      hasPassword: boolean;
    }[];
    expect(
      users.map((u) => [
        u.username,
        u.role,
        u.authorities,
        u.schoolUrn,
        u.providerRef,
        u.machine,
        u.hasPassword,
      ]),
    ).toEqual([
      ['gov1', 'governor', ['802'], '100049', null, false, false],
      ['jo.bloggs', 'la_officer', ['802'], null, null, false, true],
      ['register-bot', 'provider', [], null, 'ALP-001', true, false],
    ]);
    const table = await cli.run('users', 'list');
    expect(table.stdout).toMatch(/jo\.bloggs\s+la_officer\s+802\s+password\s+enabled/);
  });

  it('refuses a user whose scope does not fit the role, with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['users', 'add', 'x1', '--role', 'school'], /a school user needs --school URN/],
      [['users', 'add', 'x2', '--role', 'la_officer'], /needs at least one --authority/],
      [['users', 'add', 'x3', '--role', 'provider', '--provider', 'NOPE'], /provider NOPE does not exist/],
      [['users', 'add', 'x4', '--role', 'wizard'], /role must be one of admin, la_officer/],
      [['users', 'add', 'jo.bloggs', '--role', 'analyst'], /user jo.bloggs already exists/],
    ];
    for (const [args, message] of cases) {
      const res = await cli.run(...args);
      expect(res.exitCode).toBe(1);
      expect(res.stderr).toMatch(message);
    }
  });

  it('prints a token alone on stdout, and revokes it', async () => {
    const created = await cli.run('tokens', 'create', 'register-bot', '--expires-in', '30d');
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toMatch(/^alp_[A-Za-z0-9_-]{43}$/);
    expect((await cli.run('tokens', 'create', 'register-bot', '--expires-in', 'forever')).stderr).toMatch(
      /--expires-in takes a number and d, h or m/,
    );
    expect((await cli.run('tokens', 'revoke', created.stdout)).stdout).toBe('revoked');
    expect((await cli.run('tokens', 'revoke', 'alp_unknown')).stderr).toMatch(/no such token/);
  });

  it('disables a user', async () => {
    expect((await cli.run('users', 'disable', 'gov1')).stdout).toBe('disabled gov1');
    const users = JSON.parse((await cli.run('users', 'list', '--json')).stdout) as {
      username: string;
      disabledAt: string | null;
    }[];
    const gov1 = users.find((u) => u.username === 'gov1');
    expect(gov1).toBeDefined();
    expect(Number.isNaN(Date.parse(String(gov1?.disabledAt)))).toBe(false);
  });

  it('shows the audit of what the operator did, as the OS user, and as CSV', async () => {
    const res = await cli.run('audit', '--csv');
    expect(res.exitCode).toBe(0);
    const [header, ...lines] = res.stdout.split('\n');
    expect(header).toBe(
      'id,at,actor,role,action,operation,subjectKind,subjectCount,subjects,address,client,before,after,detail',
    );
    expect(lines.some((l) => /,os:[^,]+,admin,user,users\.add,user,1,jo\.bloggs,/.test(l))).toBe(true);
    expect(lines.some((l) => /,token,tokens\.revoke,/.test(l))).toBe(true);
    expect(lines.some((l) => /,import,import,pupils,/.test(l))).toBe(true);
    for (const [args, message] of [
      [['--since', 'foo'], /since must be a date YYYY-MM-DD or an ISO 8601 time/],
      [['--since', '2026-13-01'], /since must be a date/],
      [['--since', '2026-11-02', '--until', '2026-11-01'], /since 2026-11-02 is after until 2026-11-01/],
      [['--limit', 'abc'], /limit is a whole number from 1 to 100000/],
      [['--limit', '0'], /limit is a whole number/],
    ] as const) {
      const bad = await cli.run('audit', ...args);
      expect(bad.exitCode).not.toBe(0);
      expect(bad.stderr).toMatch(message);
    }
    const mine = await cli.run('audit', '--user', 'nobody-at-all');
    expect(mine.stdout.split('\n')).toHaveLength(2); // the table's header and rule only
  });
});
