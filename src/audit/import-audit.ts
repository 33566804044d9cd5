import type { Principal } from '../auth/principal';
import type { TransactionSql } from '../history/change-context';
import type { ImportResult } from '../ingest/kind-definition';
import { recordAudit } from './audit.service';

/**
 * One audit row per imported file: who sent which file of which kind, and what it did. Written by the
 * import itself, on its transaction's client (`ImportOptions.audit`).
 */
export async function auditImport(
  db: TransactionSql,
  who: Principal,
  operation: string,
  file: string,
  r: Omit<ImportResult, 'runId'>,
  knownAt?: Date,
): Promise<void> {
  await recordAudit(db, who, {
    action: 'import',
    operation,
    subjectKind: r.kind,
    subjectCount: r.inserted + r.updated,
    detail: {
      file,
      rows: r.rows,
      inserted: r.inserted,
      updated: r.updated,
      unchanged: r.unchanged,
      rejectedRows: r.errors.length + r.errorsNotListed,
      ...(knownAt ? { knownAt: knownAt.toISOString() } : {}),
    },
  });
}
