import { describeFailure } from '../db/db-failure';
import { main } from './main';

/** What the command is in the middle of, for the line printed when it is interrupted. */
let inProgress: string | undefined;

/** Told by a command what an interruption now would leave undone ("nothing of pupils.csv was stored"). */
export function setInProgress(text: string | undefined): void {
  inProgress = text;
}

const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * `npx alp-hub ...` as bin/alp-hub.js runs it. Whatever stops a command early ends the process non-zero
 * with one line on stderr: a thrown error, an unhandled rejection or exception, SIGINT or SIGTERM, and a
 * command whose work never settled (a promise left waiting on a connection that died: without this
 * check Node runs out of work and exits 0 as if all were done).
 */
/** `program` is the CLI itself, or a stand-in in tests. */
export async function run(argv: string[], program: (argv: string[]) => Promise<void> = main): Promise<void> {
  const command = argv[2] && !argv[2].startsWith('-') ? `alp-hub ${argv[2]}` : 'alp-hub';
  let settled = false;
  const fail = (text: string, code = 1) => {
    settled = true;
    process.stderr.write(`${command}: ${text}\n`);
    process.exit(code);
  };
  process.on('unhandledRejection', (err) => fail(`unexpected error: ${describeFailure(err)}`));
  process.on('uncaughtException', (err) => fail(`unexpected error: ${describeFailure(err)}`));
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () =>
      fail(`interrupted by ${signal}${inProgress ? `; ${inProgress}` : ''}`, SIGNAL_CODES[signal]),
    );
  process.once('beforeExit', () => {
    if (!settled)
      fail(
        `stopped before finishing: a database operation never completed${inProgress ? `; ${inProgress}` : ''}`,
      );
  });
  try {
    await program(argv);
    settled = true;
  } catch (err) {
    fail(describeFailure(err));
  }
}
