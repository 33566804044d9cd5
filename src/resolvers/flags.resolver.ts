import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { visibleFlags } from '../auth/flag-scope';
import { computeFlags } from '../indicators/flags.service';
import { IndicatorError } from '../indicators/indicator-error';
import { FlagConnection, FlagSubjectType, FlagsArgs, FlagType, toFlagType } from '../schema/indicator.types';
import { PlacementType } from '../schema/placement.types';
import { ProviderType } from '../schema/provider.types';
import { PupilType } from '../schema/pupil.types';
import { Context } from '../server/context';

function encodeCursor(index: number): string {
  return Buffer.from(`flag:${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^flag:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new IndicatorError('INVALID_RANGE', 'after is not a cursor of this list', 'after');
  return Number(m[1]);
}

@Resolver(() => FlagType)
export class FlagsResolver {
  @Allow('admin', 'la_officer', 'school', 'provider', 'analyst')
  @Query(() => FlagConnection, {
    description:
      'Every flag raised as of a date, from what the hub knew on it; in code, subject type, key order.',
  })
  async flags(@Args() args: FlagsArgs, @Ctx() ctx: Context): Promise<FlagConnection> {
    const all = await visibleFlags(
      ctx.db.dataSource,
      ctx.principal,
      await computeFlags(ctx.db.dataSource, ctx.principal, {
        asOf: args.asOf,
        authority: args.authority,
        codes: args.codes,
        subjectType: args.subjectType,
      }),
    );
    const start = args.after ? decodeCursor(args.after) + 1 : 0;
    const page = all.slice(start, start + args.first);
    const edges = page.map((f, i) => ({ cursor: encodeCursor(start + i), node: toFlagType(f) }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: {
        hasNextPage: start + page.length < all.length,
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
