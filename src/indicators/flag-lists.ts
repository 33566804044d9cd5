import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/principal';
import type { Flag } from './flag-definition';

/**
 * The lists behind `flags(first, after)` pages, kept in this process for the pages after the first:
 * the first page computes every flag (one statement per family), and the pages after it read the same
 * list instead of computing it again. A traversal thus sees one list, as computed for its first page,
 * with no flag skipped or shown twice when the data changes between pages; a new traversal (no
 * `after`) computes it afresh. Only a list with more pages is kept, for LIST_TTL_MS after its first
 * page, at most MAX_LISTS of them (the least recently used goes first). A cursor whose list is gone
 * (expired, evicted, another server process) still works: its key (code, subject key) is stable, so
 * the page is cut from the list computed again. A list answers only the caller and the question it
 * was computed for.
 */
export const LIST_TTL_MS = 10 * 60_000;
export const MAX_LISTS = 8;

interface KeptList {
  /** The caller and the question (everything but the page): a list is read only for the same. */
  key: string;
  flags: readonly Flag[];
  expires: number;
}

export class FlagLists {
  private readonly lists = new Map<string, KeptList>();

  constructor(
    private readonly ttlMs = LIST_TTL_MS,
    private readonly max = MAX_LISTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps `flags` for `key` and returns the token that names them. */
  put(key: string, flags: readonly Flag[]): string {
    const token = randomBytes(9).toString('base64url');
    this.prune();
    while (this.lists.size >= this.max) this.lists.delete(this.lists.keys().next().value as string);
    this.lists.set(token, { key, flags, expires: this.now() + this.ttlMs });
    return token;
  }

  /** The list `token` names, if it is still kept and was computed for `key`. */
  get(token: string, key: string): readonly Flag[] | undefined {
    const kept = this.lists.get(token);
    if (!kept || kept.key !== key || kept.expires <= this.now()) return undefined;
    // most recently used last, so that eviction takes the list nobody is paging through
    this.lists.delete(token);
    this.lists.set(token, kept);
    return kept.flags;
  }

  private prune(): void {
    const now = this.now();
    for (const [token, kept] of this.lists) if (kept.expires <= now) this.lists.delete(token);
  }
}

/** The key of a list: who asked (identity and scope) and what, besides the page. */
export function listKey(principal: Principal, question: Record<string, unknown>): string {
  const { role, name, userId, authorities, schoolUrn, providerRef, aggregatesOnly } = principal;
  return JSON.stringify([
    [role, name, userId, [...authorities].sort(), schoolUrn, providerRef, aggregatesOnly],
    question,
  ]);
}

/** This process's lists. */
export const flagLists = new FlagLists();
