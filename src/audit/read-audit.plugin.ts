import type { ApolloServerPlugin } from '@apollo/server';
import { defaultFieldResolver, GraphQLSchema, isObjectType } from 'graphql';
import { logger } from '../logger';
import type { Context } from '../server/context';
import { flagSubject, recordReadAudits } from './audit.service';

/**
 * The object types that carry pupil-level data, and the key that names each one's subject. Every
 * object of these types that a response contains is audited, whatever query reached it, so a new query
 * that returns pupils is audited without a line of its own.
 */
const SUBJECT_OF: Record<string, { kind: string; key: (source: Record<string, unknown>) => unknown }> = {
  Pupil: { kind: 'pupil', key: (s) => s.upn },
  Placement: { kind: 'placement', key: (s) => s.placementRef },
  Flag: {
    kind: 'flag',
    key: (s) => flagSubject(s as { subjectType: string; subjectKey: string }),
  },
  AttendanceVersion: { kind: 'attendance', key: (s) => s.placementRef },
};

function remember(ctx: Context, kind: string, key: unknown): void {
  let set = ctx.readSubjects.get(kind);
  if (!set) {
    set = new Set();
    ctx.readSubjects.set(kind, set);
  }
  if (typeof key === 'string') set.add(key);
}

/**
 * Notes objects a resolver hands out in a form the field wrappers below do not see: a flag's cursor
 * holds its subject's key, so a page of cursors alone reads the flags' subjects.
 */
export function noteRead(ctx: Context, typeName: keyof typeof SUBJECT_OF, sources: readonly object[]): void {
  const subject = SUBJECT_OF[typeName];
  for (const source of sources) remember(ctx, subject.kind, subject.key(source as Record<string, unknown>));
}

const NOTED = Symbol('read subjects noted');

/**
 * Makes every field of the audited types note its object's subject as it resolves, whatever query
 * reached the object (through any field, fragment or alias), before the field's own resolver runs.
 * Done once on the schema instead of a per-request hook on every field of every type: only the
 * audited types' fields pay for it.
 */
export function noteReadSubjects(schema: GraphQLSchema): void {
  if ((schema as unknown as Record<symbol, boolean>)[NOTED]) return;
  for (const [typeName, subject] of Object.entries(SUBJECT_OF)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`the read audit names ${typeName}, which the schema lacks`);
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, contextValue: Context, info) => {
        if (source && typeof source === 'object')
          remember(contextValue, subject.kind, subject.key(source as Record<string, unknown>));
        return resolve(source, args, contextValue, info);
      };
    }
  }
  Object.defineProperty(schema, NOTED, { value: true });
}

/**
 * One audit row per kind of subject per request that returned any (who, which operation, which
 * subjects), written before the response is sent: by one statement, shared with the requests that
 * end at the same time (`recordReadAudits`).
 */
export const readAuditPlugin: ApolloServerPlugin<Context> = {
  async serverWillStart({ schema }) {
    noteReadSubjects(schema);
  },
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, operation, operationName }) {
        if (!contextValue.readSubjects.size) return;
        const op =
          `${operation?.operation ?? 'query'} ${operationName ?? operation?.name?.value ?? ''}`.trim();
        try {
          await recordReadAudits(
            contextValue.db.dataSource,
            contextValue.principal,
            [...contextValue.readSubjects].map(([kind, keys]) => ({
              action: 'read' as const,
              operation: op,
              subjectKind: kind,
              subjects: [...keys],
              subjectCount: keys.size,
            })),
          );
        } catch (err) {
          logger.error({ err }, 'could not write the read audit');
          throw err;
        }
      },
    };
  },
};
