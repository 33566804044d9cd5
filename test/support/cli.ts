import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main';
import { createScratchDatabase, ScratchDatabase } from '../../src/db/scratch-database';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CliEnvironment {
  /** Runs `alp-hub <args>` in this process against this environment's database. */
  run(...args: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

/**
 * The CLI as a user runs it, on its own database: a new database on the real server when
 * DATABASE_URL is set, else an embedded one in a temporary folder (what `npx alp-hub` does with no
 * DATABASE_URL). Each run opens and closes the database, as the command does.
 */
export async function createCliEnvironment(
  opts: {
    /** The embedded database of this folder whatever DATABASE_URL says (kept on close). */
    embeddedIn?: string;
  } = {},
): Promise<CliEnvironment> {
  const serverUrl = opts.embeddedIn ? undefined : process.env.DATABASE_URL;
  const server: ScratchDatabase | null = serverUrl
    ? await createScratchDatabase(serverUrl, `alp_test_${process.pid}`)
    : null;
  const dataDir = opts.embeddedIn ?? mkdtempSync(path.join(os.tmpdir(), 'alp-hub-cli-'));
  return {
    async run(...args) {
      const saved = {
        url: process.env.DATABASE_URL,
        dir: process.env.ALP_HUB_DATA_DIR,
        code: process.exitCode,
      };
      if (server) process.env.DATABASE_URL = server.url;
      else delete process.env.DATABASE_URL;
      process.env.ALP_HUB_DATA_DIR = dataDir;
      process.exitCode = undefined;
      const out: string[] = [];
      const err: string[] = [];
      const log = jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
      const error = jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
      let exitCode = 0;
      try {
        const program = buildProgram();
        // every command, not only the program: commander's own refusals (a bad --format choice) throw
        // here instead of ending the test's process
        const quiet = (c: Command): void => {
          c.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
          for (const sub of c.commands) quiet(sub);
        };
        quiet(program);
        await program.parseAsync(['node', 'alp-hub', ...args]);
        exitCode = Number(process.exitCode ?? 0);
      } catch (e) {
        err.push(e instanceof Error ? e.message : String(e));
        exitCode = 1;
      } finally {
        log.mockRestore();
        error.mockRestore();
        process.env.DATABASE_URL = saved.url;
        if (saved.url === undefined) delete process.env.DATABASE_URL;
        process.env.ALP_HUB_DATA_DIR = saved.dir;
        if (saved.dir === undefined) delete process.env.ALP_HUB_DATA_DIR;
        process.exitCode = saved.code;
      }
      return { stdout: out.join('\n'), stderr: err.join('\n'), exitCode };
    },
    async close() {
      await server?.drop();
      if (!opts.embeddedIn) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A CLI environment with the worked example imported as its README says (known from 2025-09-01). */
export async function createCliEnvironmentWithExample(): Promise<CliEnvironment> {
  const cli = await createCliEnvironment();
  const example = path.resolve(__dirname, '../../spec/example');
  const imported = await cli.run('import', example, '--known-at', '2025-09-01T00:00:00Z');
  if (imported.exitCode !== 0) {
    await cli.close();
    throw new Error(`the example was not imported: ${imported.stderr}`);
  }
  return cli;
}
