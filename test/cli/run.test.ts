import { spawnSource } from '../support/child';

/** Whatever stops a command, the process ends non-zero with one line (src/cli/run.ts). */
describe('alp-hub run', () => {
  it.each([
    ['stuck', 'alp-hub stuck: stopped before finishing: a database operation never completed\n'],
    ['rejection', 'alp-hub rejection: unexpected error: nobody caught this\n'],
    ['exception', 'alp-hub exception: unexpected error: thrown from a timer\n'],
    ['throws', 'alp-hub throws: the database cannot be reached (connect ECONNREFUSED 127.0.0.1:1)\n'],
  ])('%s: exit 1 and one line', async (fault, line) => {
    const child = spawnSource('test/support/run-faulty.ts', [fault], {});
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toBe(line);
  });

  it('a command that finishes exits 0 and prints nothing', async () => {
    const child = spawnSource('test/support/run-faulty.ts', ['ok'], {});
    expect(await child.exited).toBe(0);
    expect(child.stderr()).toBe('');
  });
});
