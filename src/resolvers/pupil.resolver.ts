import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { isCompulsoryAge, keyStage, londonToday, ncYear } from '../domain/dates';
import { readWith } from '../loaders';
import { PupilService } from '../records/pupil.service';
import { AuthorityType } from '../schema/authority.types';
import { connectionOf } from '../schema/connection.types';
import { KeyStageEnum } from '../schema/enums';
import { PlacementType } from '../schema/placement.types';
import { CreatePupilInput, PupilsArgs, UpdatePupilInput } from '../schema/pupil.inputs';
import { DestinationType, PupilConnection, PupilType, toPupilType } from '../schema/pupil.types';
import { LocalDate, UpnScalar } from '../schema/scalars';
import { SchoolType } from '../schema/school.types';
import { Context } from '../server/context';

const AS_OF = {
  nullable: true,
  description: 'The date to evaluate at; default today (Europe/London).',
} as const;

@Resolver(() => PupilType)
export class PupilResolver {
  @Allow('admin', 'la_officer', 'school', 'provider')
  @Query(() => PupilConnection, {
    description: 'Pupils, filtered by where they are on roll, their placements and their attributes.',
  })
  async pupils(@Args() args: PupilsArgs, @Ctx() ctx: Context): Promise<PupilConnection> {
    const page = await new PupilService(ctx.db.dataSource).list(
      ctx.principal,
      {
        laCode: args.authority,
        schoolUrn: args.school,
        providerRef: args.provider,
        activeAt: args.activeAt,
        yearGroup: args.yearGroup,
        keyStage: args.keyStage,
        senStatus: args.sen,
        lookedAfter: args.lookedAfter,
        fsm: args.fsm,
        asOf: args.asOf ?? londonToday(),
      },
      args,
    );
    return connectionOf(page, toPupilType);
  }

  @Allow('admin', 'la_officer', 'school', 'provider')
  @Query(() => PupilType, { nullable: true, description: 'One pupil by UPN, or null.' })
  async pupil(@Arg('upn', () => UpnScalar) upn: string, @Ctx() ctx: Context): Promise<PupilType | null> {
    const found = await new PupilService(ctx.db.dataSource).byUpn(ctx.principal, upn);
    return found && toPupilType(found);
  }

  @FieldResolver(() => Int, { description: 'National curriculum year at `asOf` (Reception 0).' })
  ncYear(@Root() pupil: PupilType, @Arg('asOf', () => LocalDate, AS_OF) asOf?: string | null): number {
    return ncYear(pupil.dateOfBirth, asOf ?? londonToday());
  }

  @FieldResolver(() => KeyStageEnum, {
    nullable: true,
    description: 'Key stage at `asOf`; null outside years 1-11.',
  })
  keyStage(
    @Root() pupil: PupilType,
    @Arg('asOf', () => LocalDate, AS_OF) asOf?: string | null,
  ): KeyStageEnum | null {
    return keyStage(ncYear(pupil.dateOfBirth, asOf ?? londonToday())) as KeyStageEnum | null;
  }

  @FieldResolver(() => Boolean, {
    description: 'Of compulsory school age at `asOf` (years 1 to 11; Year 11 until the last Friday of June).',
  })
  compulsorySchoolAge(
    @Root() pupil: PupilType,
    @Arg('asOf', () => LocalDate, AS_OF) asOf?: string | null,
  ): boolean {
    return isCompulsoryAge(pupil.dateOfBirth, asOf ?? londonToday());
  }

  @FieldResolver(() => SchoolType, {
    nullable: true,
    description: 'School whose roll the pupil is on, if any.',
  })
  school(@Root() pupil: PupilType, @Ctx() ctx: Context): SchoolType | null | Promise<SchoolType | null> {
    const listed = readWith<SchoolType>(pupil, 'school');
    if (listed !== undefined) return listed;
    return pupil.schoolId === null ? null : ctx.loaders.school.load(pupil.schoolId);
  }

  @FieldResolver(() => AuthorityType)
  async authority(@Root() pupil: PupilType, @Ctx() ctx: Context): Promise<AuthorityType | null> {
    return ctx.loaders.authority.load(pupil.authorityId);
  }

  @FieldResolver(() => [PlacementType], { description: 'All placements of the pupil, by start date.' })
  placements(@Root() pupil: PupilType, @Ctx() ctx: Context): Promise<PlacementType[]> {
    return ctx.loaders.placementsOfPupil.load(pupil.id);
  }

  @FieldResolver(() => [DestinationType], { description: 'Destinations recorded, oldest first.' })
  destinations(@Root() pupil: PupilType, @Ctx() ctx: Context): Promise<DestinationType[]> {
    return ctx.loaders.destinationsOfPupil.load(pupil.id);
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => PupilType, { description: 'Adds a pupil; CONFLICT when the UPN exists.' })
  async createPupil(@Arg('input') input: CreatePupilInput, @Ctx() ctx: Context): Promise<PupilType> {
    return toPupilType(await new PupilService(ctx.db.dataSource).create(ctx.principal, input));
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => PupilType, { description: 'Changes a pupil, identified by UPN.' })
  async updatePupil(
    @Arg('upn', () => UpnScalar) upn: string,
    @Arg('input') input: UpdatePupilInput,
    @Ctx() ctx: Context,
  ): Promise<PupilType> {
    return toPupilType(await new PupilService(ctx.db.dataSource).update(ctx.principal, upn, input));
  }
}
