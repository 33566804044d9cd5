import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout has printed a line matching `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The exit code, or the signal's name when it was killed. */
  exited: Promise<number | string>;
}

/** Runs a TypeScript entry of the sources in its own Node process (compiled by swc, as under jest). */
export function spawnSource(entry: string, args: string[], env: Record<string, string | undefined>): Child {
  const child = spawn(
    process.execPath,
    ['-r', path.join(ROOT, 'test/support/swc-register.js'), path.join(ROOT, entry), ...args],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env } },
  );
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of [...waiters])
      if (w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern, timeoutMs = 120_000) {
      if (pattern.test(out)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no output matching ${pattern} in ${timeoutMs} ms; stderr: ${err}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          if (!pattern.test(out)) reject(new Error(`exited before ${pattern}; stderr: ${err}`));
        });
      });
    },
  };
}

/** `alp-hub <args>` from the sources in a child process; `env` replaces DATABASE_URL and the data dir. */
export function spawnCli(args: string[], env: Record<string, string | undefined>): Child {
  return spawnSource('test/support/cli-process.ts', args, env);
}
