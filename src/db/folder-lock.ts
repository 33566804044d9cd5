import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DomainError } from '../errors';
import { logger } from '../logger';

/** Who holds an embedded database folder, as its lock file says. */
export interface LockHolder {
  /** `server`: `npm start`, which lets commands use its database; `command`: a CLI command. */
  role: 'server' | 'command';
  pid: number;
  host: string;
  startedAt: string;
  /** The holder's command line, for the message that names it. */
  command: string;
  /** The loopback postgres:// URL the holder's database is served on, once it is. */
  url: string | null;
  /** Tells this holding from a later one by the same pid. */
  token: string;
}

export const LOCK_FILE = 'alp-hub.lock';

/** A folder held by another live process that cannot be shared (or not yet). */
export class DatabaseInUseError extends DomainError {
  constructor(message: string, details: { lock: string; holder: LockHolder | null }) {
    super('DATABASE_IN_USE', message, undefined, details);
  }
}

export interface FolderLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Writes the URL the database is served on into the lock, for commands to use. */
  setUrl(url: string): void;
  /** Removes the lock if it is still this holding's. */
  release(): void;
}

export type LockOutcome = { held: FolderLock } | { server: LockHolder };

/** True when a process with this pid exists (EPERM: it exists, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

/** A holder that is certainly gone: its process, on this machine, no longer exists. */
function isStale(holder: LockHolder): boolean {
  return holder.host === os.hostname() && !processAlive(holder.pid);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a command waits for a starting server to say where it serves, or a half-written lock. */
const WAIT_MS = 60_000;
const POLL_MS = 100;

function describe(h: LockHolder): string {
  return `pid ${h.pid}${h.host === os.hostname() ? '' : ` on ${h.host}`}, since ${h.startedAt}: ${h.command}`;
}

/**
 * Takes the lock of an embedded database folder (`<folder>/alp-hub.lock`, created exclusively), so
 * that one process at a time opens the PGlite files in it: two would each write their own view of the
 * files and lose each other's changes. A lock whose process is dead (a crashed server) is removed and
 * taken. When a live server holds it, a command gets `{ server }` to use that server's database
 * instead; anything else held refuses with DatabaseInUseError.
 */
export async function lockFolder(folder: string, role: LockHolder['role']): Promise<LockOutcome> {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, LOCK_FILE);
  const holder: LockHolder = {
    role,
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
    url: null,
    token: randomUUID(),
  };
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      writeFileSync(file, JSON.stringify(holder), { flag: 'wx' });
      return { held: heldLock(file, holder) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const other = readHolder(file);
    if (other === null || isStale(other)) {
      // An unreadable lock is being written (it is created empty, then filled), or was left so by a
      // crash mid-write: only the latter (see staleness) is taken over; the former is waited for.
      const outcome = takeOver(file);
      if (outcome === 'claimed elsewhere' && Date.now() > deadline)
        throw new DatabaseInUseError(
          `the lock of the embedded database in ${folder} is being taken over by another process, or was left half taken over by one that stopped: if no alp-hub process uses the folder, delete ${file} and ${file}.*.stale`,
          { lock: file, holder: other },
        );
      if (outcome !== 'removed') await sleep(POLL_MS);
      continue;
    }
    if (other.role === 'server' && role === 'command') {
      if (other.url) return { server: other };
      if (Date.now() < deadline) {
        await sleep(POLL_MS);
        continue;
      }
    }
    throw new DatabaseInUseError(inUseMessage(folder, other, role), { lock: file, holder: other });
  }
}

function inUseMessage(folder: string, other: LockHolder, role: LockHolder['role']): string {
  const where = `the embedded database in ${folder}`;
  if (other.role === 'server' && role === 'server')
    return `${where} is already served by alp-hub (${describe(other)})${other.url ? ` at ${other.url}` : ''}: stop that server first, or give this one another ALP_HUB_DATA_DIR`;
  if (other.role === 'server')
    return `${where} is held by an alp-hub server that has not finished starting (${describe(other)}): try again once it serves`;
  return `${where} is in use by another alp-hub command (${describe(other)}): wait for it to finish${role === 'server' ? ', then start the server' : ''}; if that process is gone, delete ${path.join(folder, LOCK_FILE)}`;
}

/** Why the lock in `file` may be taken over, or null while it is (or may be) someone's. */
function staleness(file: string): string | null {
  const holder = readHolder(file);
  if (holder) return isStale(holder) ? `a stale lock of pid ${holder.pid}, which is no longer running` : null;
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat && Date.now() - stat.mtimeMs > UNREADABLE_MS ? 'an unreadable lock' : null;
}

/** How long a lock may stay unreadable while its holder writes it. */
const UNREADABLE_MS = 5_000;

/**
 * Removes the lock in `file` if it is stale, as one taker only. Two processes can both find a lock
 * stale; were each to remove it, the slower would remove the lock the faster has taken since. So a
 * taker first claims the lock's inode with a hard link named after it (`alp-hub.lock.<inode>.stale`:
 * one link of a name can exist), then judges the claimed inode again and removes the lock only if that
 * inode is still stale and still the lock: a lock taken since is another, live inode, and is left alone.
 * Only a claim's maker removes its inode from `file`, so nothing replaces it between the two steps.
 */
function takeOver(file: string): 'removed' | 'not stale' | 'claimed elsewhere' {
  const ino = statSync(file, { throwIfNoEntry: false })?.ino;
  if (ino === undefined) return 'removed';
  const claim = `${file}.${ino}.stale`;
  try {
    linkSync(file, claim);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'removed';
    if (code === 'EEXIST') return 'claimed elsewhere';
    // a file system without hard links (FAT): the plain removal, which two takers can race
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return removeUnclaimed(file);
    throw err;
  }
  try {
    // the lock may have been replaced between the stat and the link: then the claim is not of `ino`
    if (statSync(claim).ino !== ino) return 'not stale';
    const why = staleness(claim);
    if (!why) return 'not stale';
    return remove(file, why);
  } finally {
    unlinkSync(claim);
  }
}

function removeUnclaimed(file: string): 'removed' | 'not stale' {
  const why = staleness(file);
  return why ? remove(file, why) : 'not stale';
}

function remove(file: string, why: string): 'removed' {
  try {
    unlinkSync(file);
    logger.warn(`removed ${why} (${file})`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return 'removed';
}

function heldLock(file: string, holder: LockHolder): FolderLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readHolder(file)?.token !== holder.token) return;
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  // a process that exits without closing its database (an uncaught error) leaves no lock behind
  process.on('exit', release);
  return {
    path: file,
    holder,
    setUrl(url) {
      holder.url = url;
      writeFileSync(file, JSON.stringify(holder));
    },
    release,
  };
}
