import type { TransactionSql } from '../history/change-context';

/**
 * The transaction-level advisory lock that keeps erasures, placement deletions and undos apart from
 * imports (docs/ingest.md). An import's checks find the pupils, placements and other records its rows
 * refer to, and its merge joins them again: a pupil erased in between would drop its rows from the
 * merge unseen. So every import holds this lock shared from its BEGIN (imports do not wait for each
 * other), and an erasure holds it exclusively from its first statement: it waits for the imports
 * running and erases what they stored; an import started meanwhile waits for it and refuses rows of
 * the erased pupil as missing references.
 */
const ERASURE_LOCK = 0x616c7065; // 'alpe'; any fixed number no other advisory lock of the hub uses

/** An import: shared, until its transaction ends. */
export async function holdOffErasure(tx: TransactionSql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [ERASURE_LOCK]);
}

/** An erasure, an undo, or the deletion of a placement (whose marks an import may be storing): exclusive. */
export async function holdOffImports(tx: TransactionSql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ERASURE_LOCK]);
}
