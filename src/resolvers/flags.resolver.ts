import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { visibleFlags } from '../auth/flag-scope';
import type { Flag } from '../indicators/flag-definition';
import { compareFlags, computeFlags } from '../indicators/flags.service';
import { IndicatorError } from '../indicators/indicator-error';
import { FlagConnection, FlagSubjectType, FlagsArgs, FlagType, toFlagType } from '../schema/indicator.types';
import { PlacementType } from '../schema/placement.types';
import { ProviderType } from '../schema/provider.types';
import { PupilType } from '../schema/pupil.types';
import { Context } from '../server/context';

/**
 * A cursor is the stable key of the last flag shown (code, subject key; a code has one subject type),
 * not its position: a page after it starts at the next key in list order, so pages stay in step when
 * flags are raised or cleared between requests.
 */
function encodeCursor(f: Flag): string {
  return Buffer.from(`flag:${f.code}:${f.subjectKey}`).toString('base64url');
}

function decodeCursor(cursor: string): { code: string; subjectKey: string } {
  const m = /^flag:([A-Z_]+):(.*)$/s.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new IndicatorError('INVALID_RANGE', 'after is not a cursor of this list', 'after');
  return { code: m[1], subjectKey: m[2] };
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
    // narrowed or pseudonymised for the caller, then in the list's order again (pseudonyms sort anew)
    const all = (
      await visibleFlags(
        ctx.db.dataSource,
        ctx.principal,
        await computeFlags(ctx.db.dataSource, ctx.principal, {
          asOf: args.asOf,
          authority: args.authority,
          codes: args.codes,
          subjectType: args.subjectType,
        }),
      )
    ).sort(compareFlags);
    const after = args.after ? decodeCursor(args.after) : null;
    const start = after ? all.findIndex((f) => isAfter(f, after)) : 0;
    const from = start === -1 ? all.length : start;
    const page = all.slice(from, from + args.first);
    const edges = page.map((f) => ({ cursor: encodeCursor(f), node: toFlagType(f) }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: {
        hasNextPage: from + page.length < all.length,
        endCursor: edges.length ? edges[edges.length - 1].cursor : null,
      },
      totalCount: all.length,
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
