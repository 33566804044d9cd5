import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { noteRead } from '../audit/read-audit.plugin';
import { Allow } from '../auth/access-rules';
import { visibleFlags } from '../auth/flag-scope';
import type { Flag } from '../indicators/flag-definition';
import { flagLists, listKey } from '../indicators/flag-lists';
import { compareFlags, computeFlags } from '../indicators/flags.service';
import { IndicatorError } from '../indicators/indicator-error';
import { FlagConnection, FlagSubjectType, FlagsArgs, FlagType, toFlagType } from '../schema/indicator.types';
import { PlacementType } from '../schema/placement.types';
import { ProviderType } from '../schema/provider.types';
import { PupilType } from '../schema/pupil.types';
import { Context } from '../server/context';

/** The token of a cursor whose list was not kept (its page was the last). */
const NO_LIST = 'none';

/**
 * A cursor is the stable key of the last flag shown (code, subject key; a code has one subject type),
 * not its position, with the token of the list its page was cut from (src/indicators/flag-lists.ts):
 * the next page is cut from the same list, not computed again, and when that list is gone, from the
 * list computed again, after the key, so pages stay in step when flags are raised or cleared.
 */
function encodeCursor(f: Flag, token: string): string {
  return Buffer.from(`flags:${token}:${f.code}:${f.subjectKey}`).toString('base64url');
}

interface Cursor {
  token: string | null;
  code: string;
  subjectKey: string;
}

function decodeCursor(cursor: string): Cursor {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^flags:([A-Za-z0-9_-]+):([A-Z_]+):(.*)$/s.exec(text);
  if (m) return { token: m[1], code: m[2], subjectKey: m[3] };
  // a cursor of the form before lists were kept: the key alone
  const old = /^flag:([A-Z_]+):(.*)$/s.exec(text);
  if (!old) throw new IndicatorError('INVALID_RANGE', 'after is not a cursor of this list', 'after');
  return { token: null, code: old[1], subjectKey: old[2] };
}

/** Whether `f` comes after the key in list order (code, then subject key, as compareFlags). */
function isAfter(f: Flag, key: { code: string; subjectKey: string }): boolean {
  return f.code > key.code || (f.code === key.code && f.subjectKey > key.subjectKey);
}

@Resolver(() => FlagType)
export class FlagsResolver {
  @Allow('admin', 'la_officer', 'school', 'provider', 'analyst')
  @Query(() => FlagConnection, {
    description:
      'Every flag raised as of a date, from what the hub knew on it; in code, subject type, key order.',
  })
  async flags(@Args() args: FlagsArgs, @Ctx() ctx: Context): Promise<FlagConnection> {
    const after = args.after ? decodeCursor(args.after) : null;
    const question = {
      asOf: args.asOf,
      authority: args.authority ?? null,
      codes: args.codes ?? null,
      subjectType: args.subjectType ?? null,
    };
    const key = listKey(ctx.principal, question);
    const kept = after?.token ? flagLists.get(after.token, key) : undefined;
    // narrowed or pseudonymised for the caller, then in the list's order again (pseudonyms sort anew)
    const list =
      kept ??
      (
        await visibleFlags(
          ctx.db.dataSource,
          ctx.principal,
          await computeFlags(ctx.db.dataSource, ctx.principal, question),
        )
      ).sort(compareFlags);
    const start = after ? list.findIndex((f) => isAfter(f, after)) : 0;
    const from = start === -1 ? list.length : start;
    const page = list.slice(from, from + args.first);
    // a list with pages after this one is kept for them; a cursor of a list not kept names none
    const more = from + page.length < list.length;
    const token = kept && after?.token ? after.token : more ? flagLists.put(key, list) : NO_LIST;
    const edges = page.map((f) => ({ cursor: encodeCursor(f, token), node: toFlagType(f) }));
    // audited as read even when only the cursors are asked for: each holds its subject's key
    noteRead(ctx, 'Flag', page);
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: {
        hasNextPage: more,
        endCursor: edges.length ? edges[edges.length - 1].cursor : null,
      },
      totalCount: list.length,
    };
  }

  @FieldResolver(() => PupilType, { nullable: true, description: 'The pupil, for pupil flags.' })
  async pupil(@Root() flag: FlagType, @Ctx() ctx: Context): Promise<PupilType | null> {
    return flag.subjectType === FlagSubjectType.pupil ? ctx.loaders.pupil.load(flag.subjectId) : null;
  }

  @FieldResolver(() => PlacementType, { nullable: true, description: 'The placement, for placement flags.' })
  async placement(@Root() flag: FlagType, @Ctx() ctx: Context): Promise<PlacementType | null> {
    return flag.subjectType === FlagSubjectType.placement ? ctx.loaders.placement.load(flag.subjectId) : null;
  }

  @FieldResolver(() => ProviderType, { nullable: true, description: 'The provider, for provider flags.' })
  async provider(@Root() flag: FlagType, @Ctx() ctx: Context): Promise<ProviderType | null> {
    return flag.subjectType === FlagSubjectType.provider ? ctx.loaders.provider.load(flag.subjectId) : null;
  }
}
