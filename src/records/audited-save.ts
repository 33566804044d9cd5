import type { DataSource, ObjectLiteral } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { setChangeContext } from '../history/change-context';
import { guardWrite } from './record-errors';

/** A plain copy of an entity's columns, for the audit's before and after. */
export function snapshot<T extends object>(entity: T | null): Record<string, unknown> | null {
  return entity ? JSON.parse(JSON.stringify(entity)) : null;
}

/**
 * Saves an entity and its audit row (who, before, after) in one transaction: a change is never stored
 * without its audit row, nor the audit row without the change.
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
      const saved = await m.getRepository(entityClass).save(entity);
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
