import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { londonToday } from '../domain/dates';
import { listedPlacementType, readWith } from '../loaders';
import { PlacementService } from '../records/placement.service';
import { connectionOf } from '../schema/connection.types';
import { CreatePlacementInput, PlacementsArgs, UpdatePlacementInput } from '../schema/placement.inputs';
import {
  PlacementConnection,
  PlacementType,
  ReviewType,
  TargetType,
  toPlacementType,
} from '../schema/placement.types';
import { ProviderType } from '../schema/provider.types';
import { PupilType } from '../schema/pupil.types';
import { LocalDate } from '../schema/scalars';
import { SchoolType } from '../schema/school.types';
import { Context } from '../server/context';
import {
  PLACEMENT_READS,
  PROVIDER_READS,
  PUPIL_READS,
  propertiesRead,
  SCHOOL_READS,
} from './read-properties';
import { selectedFields } from './selection';

@Resolver(() => PlacementType)
export class PlacementResolver {
  @Allow('admin', 'la_officer', 'school', 'provider')
  @Query(() => PlacementConnection, { description: 'Placements, filtered by who, where, what and when.' })
  async placements(
    @Args() args: PlacementsArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PlacementConnection> {
    const below = (...path: string[]) =>
      new Set([
        ...selectedFields(info, ['nodes', ...path]),
        ...selectedFields(info, ['edges', 'node', ...path]),
      ]);
    const node = below();
    const pupil = below('pupil');
    const ds = ctx.db.dataSource;
    const include = { pupil: node.has('pupil'), school: pupil.has('school'), provider: node.has('provider') };
    // only the columns the query's fields read: decoding and sending the rest is most of a list's cost
    const properties = {
      placement: propertiesRead(ds, node, PLACEMENT_READS),
      pupil: propertiesRead(ds, pupil, PUPIL_READS),
      school: propertiesRead(ds, below('pupil', 'school'), SCHOOL_READS),
      provider: propertiesRead(ds, below('provider'), PROVIDER_READS),
    };
    const page = await new PlacementService(ds).list(
      ctx.principal,
      {
        laCode: args.authority,
        schoolUrn: args.school,
        providerRef: args.provider,
        upn: args.pupil,
        type: args.type,
        reason: args.reason,
        activeAt: args.activeAt,
        yearGroup: args.yearGroup,
        keyStage: args.keyStage,
        senStatus: args.sen,
        lookedAfter: args.lookedAfter,
        fsm: args.fsm,
        asOf: args.asOf ?? londonToday(),
      },
      args,
      { ...include, properties },
    );
    return connectionOf(page, (r) => listedPlacementType(r, include));
  }

  @Allow('admin', 'la_officer', 'school', 'provider')
  @Query(() => PlacementType, { nullable: true, description: 'One placement by reference, or null.' })
  async placement(
    @Arg('placementRef') placementRef: string,
    @Ctx() ctx: Context,
  ): Promise<PlacementType | null> {
    const found = await new PlacementService(ctx.db.dataSource).byRef(ctx.principal, placementRef);
    return found && toPlacementType(found);
  }

  @FieldResolver(() => Boolean, {
    description: 'Active at `asOf` (default today, Europe/London): started, and not ended before that day.',
  })
  active(
    @Root() placement: PlacementType,
    @Arg('asOf', () => LocalDate, { nullable: true }) asOf?: string | null,
  ): boolean {
    const day = asOf ?? londonToday();
    return placement.startDate <= day && (placement.endDate === null || day <= placement.endDate);
  }

  @FieldResolver(() => PupilType)
  pupil(@Root() placement: PlacementType, @Ctx() ctx: Context): PupilType | null | Promise<PupilType | null> {
    const listed = readWith<PupilType>(placement, 'pupil');
    return listed !== undefined ? listed : ctx.loaders.pupil.load(placement.pupilId);
  }

  @FieldResolver(() => ProviderType)
  provider(
    @Root() placement: PlacementType,
    @Ctx() ctx: Context,
  ): ProviderType | null | Promise<ProviderType | null> {
    const listed = readWith<ProviderType>(placement, 'provider');
    return listed !== undefined ? listed : ctx.loaders.provider.load(placement.providerId);
  }

  @FieldResolver(() => SchoolType, {
    nullable: true,
    description: "The commissioning school; null when the pupil's authority commissions.",
  })
  async commissionerSchool(
    @Root() placement: PlacementType,
    @Ctx() ctx: Context,
  ): Promise<SchoolType | null> {
    const id = placement.commissionerSchoolId;
    return id === null ? null : ctx.loaders.school.load(id);
  }

  @FieldResolver(() => [TargetType], { description: 'Targets, in reference order.' })
  targets(@Root() placement: PlacementType, @Ctx() ctx: Context): Promise<TargetType[]> {
    return ctx.loaders.targetsOfPlacement.load(placement.id);
  }

  @FieldResolver(() => [ReviewType], { description: 'Reviews, oldest first.' })
  reviews(@Root() placement: PlacementType, @Ctx() ctx: Context): Promise<ReviewType[]> {
    return ctx.loaders.reviewsOfPlacement.load(placement.id);
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => PlacementType, {
    description: 'Adds a placement; references are checked (NOT_FOUND with field).',
  })
  async createPlacement(
    @Arg('input') input: CreatePlacementInput,
    @Ctx() ctx: Context,
  ): Promise<PlacementType> {
    return toPlacementType(await new PlacementService(ctx.db.dataSource).create(ctx.principal, input));
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => PlacementType, { description: 'Changes a placement, identified by reference.' })
  async updatePlacement(
    @Arg('placementRef') placementRef: string,
    @Arg('input') input: UpdatePlacementInput,
    @Ctx() ctx: Context,
  ): Promise<PlacementType> {
    const saved = await new PlacementService(ctx.db.dataSource).update(ctx.principal, placementRef, input);
    return toPlacementType(saved);
  }
}
