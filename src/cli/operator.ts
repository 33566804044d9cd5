import { userInfo } from 'node:os';
import { operator, Principal } from '../auth/principal';

/** The CLI is the operator at the machine: an administrator, audited as its OS user. */
export function cliOperator(): Principal {
  return operator(`os:${userInfo().username}`);
}

/** Reads all of standard input (a password piped in), without its final newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
