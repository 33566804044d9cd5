// Takes an embedded database folder's lock when told: `go` on stdin; prints `held` or `refused <code>`
// and keeps what it took until stdin closes, so that several processes can race for one lock.
import { createInterface } from 'node:readline';
import { lockFolder } from '../../src/db/folder-lock';
import { DomainError } from '../../src/errors';

const folder = process.argv[2];
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', async () => {
  try {
    const outcome = await lockFolder(folder, 'command');
    process.stdout.write('held' in outcome ? 'held\n' : 'server\n');
  } catch (err) {
    process.stdout.write(`refused ${err instanceof DomainError ? err.code : String(err)}\n`);
  }
});
lines.once('close', () => process.exit(0));
