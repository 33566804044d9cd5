import type { DataSource } from 'typeorm';
import { requireAdmin } from '../auth/policy';
import type { Principal } from '../auth/principal';
import type { TransactionSql } from '../history/change-context';
import type { Queryable } from '../indicators/queryable';
import { badInput } from '../records/record-errors';

export type AuditAction =
  | 'read'
  | 'create'
  | 'update'
  | 'delete'
  | 'import'
  | 'export'
  | 'report'
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'token'
  | 'user'
  | 'settings';

export interface AuditEntry {
  action: AuditAction;
  /** What was done: a GraphQL operation (`query pupils`), a route (`GET /`), a command (`import`). */
  operation: string;
  /** The kind of record the subjects are: pupil (UPN), placement (reference), user, provider, authority. */
  subjectKind?: string | null;
  subjects?: readonly string[];
  /** How many subjects, when more were touched than are listed. */
  subjectCount?: number;
  before?: unknown;
  after?: unknown;
  detail?: unknown;
}

/**
 * The subject a flag is audited by: `pupil:<upn>` or `placement:<ref>`; none for a provider's flag,
 * which names no child.
 */
export function flagSubject(f: { subjectType: string; subjectKey: string }): string | null {
  return f.subjectType === 'provider' ? null : `${f.subjectType}:${f.subjectKey}`;
}

/** The subjects listed on one row; the count says how many there were in all. */
const MAX_SUBJECTS = 5_000;

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * Appends one row to the audit trail. Called inside the transaction of the change it records, so a
 * change and its audit row are written together or not at all.
 */
export async function recordAudit(
  db: TransactionSql,
  who: Principal | null,
  e: AuditEntry,
  actorName?: string,
): Promise<void> {
  await recordAudits(db, who, [e], actorName);
}

const COLUMNS = 13;

/** Appends a row per entry in one statement (a request's reads of several kinds of subject). */
export async function recordAudits(
  db: TransactionSql,
  who: Principal | null,
  entries: readonly AuditEntry[],
  actorName?: string,
): Promise<void> {
  await insertAuditRows(
    db,
    entries.map((entry) => ({ who, entry, actorName })),
  );
}

interface AuditRow {
  who: Principal | null;
  entry: AuditEntry;
  actorName?: string;
}

async function insertAuditRows(db: TransactionSql, entries: readonly AuditRow[]): Promise<void> {
  if (!entries.length) return;
  const rows = entries.map((_, i) => {
    const n = i * COLUMNS;
    return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8},
             $${n + 9}::jsonb, $${n + 10}::jsonb, $${n + 11}, $${n + 12}, $${n + 13}::jsonb)`;
  });
  const parameters = entries.flatMap(({ who, entry: e, actorName }) => {
    const subjects = [...new Set(e.subjects ?? [])];
    return [
      who?.name ?? actorName ?? 'anonymous',
      who?.userId ?? null,
      who?.role ?? null,
      e.action,
      e.operation,
      e.subjectKind ?? null,
      subjects.slice(0, MAX_SUBJECTS),
      e.subjectCount ?? subjects.length,
      json(e.before),
      json(e.after),
      who?.address ?? null,
      who?.client ?? null,
      json(e.detail),
    ];
  });
  await db.query(
    `INSERT INTO audit_event (actor, actor_user_id, role, action, operation, subject_kind, subjects,
       subject_count, before, after, address, client, detail)
     VALUES ${rows.join(', ')}`,
    parameters,
  );
}

/** Rows of one INSERT of read audits at most (13 parameters each, far below PostgreSQL's 65,535). */
const MAX_BATCH_ROWS = 500;

interface Waiting {
  rows: AuditRow[];
  done(err?: unknown): void;
}

/** Per data source: the read audits waiting for the INSERT in flight to end, and whether one is. */
const queues = new WeakMap<DataSource, { waiting: Waiting[]; writing: boolean }>();

/**
 * Appends the read audit of one request, written together with those of the requests that end while
 * an earlier INSERT is in flight (group commit): with no other request about, it is written at once
 * as before; under load, many requests' rows go in one statement and one commit. The promise settles
 * when the statement holding these rows has committed, or fails with that statement, so a request
 * still answers only once its audit is written.
 */
export function recordReadAudits(
  ds: DataSource,
  who: Principal,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (!entries.length) return Promise.resolve();
  let queue = queues.get(ds);
  if (!queue) {
    queue = { waiting: [], writing: false };
    queues.set(ds, queue);
  }
  const q = queue;
  return new Promise<void>((resolve, reject) => {
    q.waiting.push({
      rows: entries.map((entry) => ({ who, entry })),
      done: (err) => (err === undefined ? resolve() : reject(err)),
    });
    if (!q.writing) void writeWaiting(ds, q);
  });
}

async function writeWaiting(ds: DataSource, q: { waiting: Waiting[]; writing: boolean }): Promise<void> {
  q.writing = true;
  try {
    while (q.waiting.length) {
      const batch: Waiting[] = [];
      let rows = 0;
      while (q.waiting.length && (!batch.length || rows + q.waiting[0].rows.length <= MAX_BATCH_ROWS)) {
        const w = q.waiting.shift() as Waiting;
        batch.push(w);
        rows += w.rows.length;
      }
      try {
        await insertAuditRows(
          ds,
          batch.flatMap((w) => w.rows),
        );
        for (const w of batch) w.done();
      } catch (err) {
        for (const w of batch) w.done(err ?? new Error('the read audit could not be written'));
      }
    }
  } finally {
    q.writing = false;
  }
}

/** The most rows one reading of the audit returns. */
export const MAX_AUDIT_ROWS = 100_000;

export interface AuditQuery {
  since?: string | null;
  until?: string | null;
  user?: string | null;
  /** A subject: a pupil's UPN, a placement reference, a username. */
  subject?: string | null;
  action?: AuditAction | null;
  limit?: number;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  action: AuditAction;
  operation: string;
  subjectKind: string | null;
  subjects: string[];
  subjectCount: number;
  before: unknown;
  after: unknown;
  address: string | null;
  client: string | null;
  detail: unknown;
}

/** A bound of the audit's period: a date or an ISO 8601 time, refused by name otherwise. */
function instant(value: string | null | undefined, field: 'since' | 'until'): number | null {
  if (value == null) return null;
  const ms = /^\d{4}-\d{2}-\d{2}([T ].*)?$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw badInput(`${field} must be a date YYYY-MM-DD or an ISO 8601 time`, field);
  return ms;
}

/** Audit rows, newest first; administrators only. Reading the audit is itself audited. */
export async function listAudit(db: Queryable, caller: Principal, q: AuditQuery): Promise<AuditEvent[]> {
  requireAdmin(caller);
  const since = instant(q.since, 'since');
  const until = instant(q.until, 'until');
  if (since !== null && until !== null && since > until)
    throw badInput(`since ${q.since} is after until ${q.until}`, 'until');
  if (q.limit != null && !(Number.isInteger(q.limit) && q.limit >= 1 && q.limit <= MAX_AUDIT_ROWS))
    throw badInput(`limit is a whole number from 1 to ${MAX_AUDIT_ROWS}`, 'limit');
  const rows: (Omit<AuditEvent, 'id' | 'at'> & { id: string; at: Date })[] = await db.query(
    `SELECT id::text AS id, at, actor, role, action, operation, subject_kind AS "subjectKind", subjects,
            subject_count AS "subjectCount", before, after, address, client, detail
     FROM audit_event
     WHERE ($1::timestamptz IS NULL OR at >= $1::timestamptz)
       AND ($2::timestamptz IS NULL OR at < $2::timestamptz)
       AND ($3::text IS NULL OR actor = $3)
       AND ($4::text IS NULL OR subjects @> ARRAY[$4::text])
       AND ($5::text IS NULL OR action = $5)
     ORDER BY id DESC
     LIMIT $6`,
    [q.since ?? null, q.until ?? null, q.user ?? null, q.subject ?? null, q.action ?? null, q.limit ?? 1000],
  );
  await recordAudit(db, caller, {
    action: 'read',
    operation: 'audit',
    subjectKind: 'audit',
    subjectCount: rows.length,
    detail: { filter: q },
  });
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
