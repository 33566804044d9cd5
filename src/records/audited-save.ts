import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { setChangeContext } from '../history/change-context';
import { guardWrite, RecordError } from './record-errors';

/** A plain copy of an entity's columns, for the audit's before and after. */
export function snapshot<T extends object>(entity: T | null): Record<string, unknown> | null {
  return entity ? JSON.parse(JSON.stringify(entity)) : null;
}

/**
 * Saves an entity and its audit row (who, before, after) in one transaction: a change is never stored
 * without its audit row, nor the audit row without the change.
 *
 * A change (`before` given) applies only to the row as it was read: the row is locked and read again
 * first, so a change of a record deleted since is NOT_FOUND (never an insert that brings it back) and
 * a change of a record someone else changed since is CONFLICT (never a silent overwrite of theirs).
 */
export async function saveAudited<T extends ObjectLiteral>(
  ds: DataSource,
  caller: Principal,
  entityClass: new () => T,
  what: { kind: string; key: string; before: Record<string, unknown> | null },
  entity: T,
): Promise<T> {
  return guardWrite(() =>
    ds.transaction(async (m) => {
      await setChangeContext(m, { actor: caller.name });
      const saved = what.before
        ? await updateAsRead(m, entityClass, { ...what, before: what.before }, entity)
        : await m.getRepository(entityClass).save(entity);
      await recordAudit(m, caller, {
        action: what.before ? 'update' : 'create',
        operation: `${what.before ? 'update' : 'create'} ${what.kind}`,
        subjectKind: what.kind,
        subjects: [what.key],
        before: what.before,
        after: snapshot(saved),
      });
      return saved;
    }),
  );
}

/** The value of each column, as `snapshot` writes it (so a read and its snapshot compare equal). */
function columnValue(row: ObjectLiteral, property: string): string {
  return JSON.stringify(snapshot({ v: row[property] })?.v ?? null);
}

/**
 * UPDATEs the row of `entity` with the columns it changed, when the row (locked FOR UPDATE) still has
 * every column as `before` has it; returns `entity` with the row as stored.
 */
async function updateAsRead<T extends ObjectLiteral>(
  m: EntityManager,
  entityClass: new () => T,
  what: { kind: string; key: string; before: Record<string, unknown> },
  entity: T,
): Promise<T> {
  const metadata = m.connection.getMetadata(entityClass);
  const id = metadata.getEntityIdMap(entity);
  if (!id) throw new Error(`${what.kind} ${what.key}: a change needs the record's primary key`);
  const repo = m.getRepository(entityClass);
  const stored = await repo.findOne({ where: id as never, lock: { mode: 'pessimistic_write' } });
  if (!stored) throw new RecordError('NOT_FOUND', `${what.kind} ${what.key} does not exist`);
  const columns = metadata.columns.map((c) => c.propertyName);
  if (columns.some((p) => columnValue(stored, p) !== columnValue(what.before, p)))
    throw new RecordError(
      'CONFLICT',
      `${what.kind} ${what.key} was changed by someone else since it was read; read it again and retry`,
    );
  const generated = new Set(
    [...metadata.primaryColumns, metadata.createDateColumn, metadata.updateDateColumn].filter(Boolean),
  );
  const changed: ObjectLiteral = {};
  for (const column of metadata.columns) {
    if (generated.has(column)) continue;
    const p = column.propertyName;
    if (columnValue(entity, p) !== columnValue(stored, p)) changed[p] = entity[p];
  }
  if (Object.keys(changed).length === 0) return repo.merge(entity, stored);
  await repo.update(id as never, changed as never);
  return repo.merge(entity, await repo.findOneOrFail({ where: id as never }));
}
