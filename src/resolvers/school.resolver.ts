import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { SchoolService } from '../records/school.service';
import { CreateSchoolInput, SchoolsArgs, UpdateSchoolInput } from '../schema/authority.inputs';
import { AuthorityType } from '../schema/authority.types';
import { connectionOf } from '../schema/connection.types';
import { SchoolConnection, SchoolType, toSchoolType } from '../schema/school.types';
import { Context } from '../server/context';

@Resolver(() => SchoolType)
export class SchoolResolver {
  @Allow()
  @Query(() => SchoolConnection, { description: 'Schools, filtered by authority and type.' })
  async schools(@Args() args: SchoolsArgs, @Ctx() ctx: Context): Promise<SchoolConnection> {
    const page = await new SchoolService(ctx.db.dataSource).list(
      ctx.principal,
      { laCode: args.authority, type: args.type },
      args,
    );
    return connectionOf(page, toSchoolType);
  }

  @Allow()
  @Query(() => SchoolType, { nullable: true, description: 'One school by URN, or null.' })
  async school(@Arg('urn') urn: string, @Ctx() ctx: Context): Promise<SchoolType | null> {
    const found = await new SchoolService(ctx.db.dataSource).byUrn(ctx.principal, urn);
    return found && toSchoolType(found);
  }

  @FieldResolver(() => AuthorityType)
  async authority(@Root() school: SchoolType, @Ctx() ctx: Context): Promise<AuthorityType | null> {
    return ctx.loaders.authority.load(school.authorityId);
  }

  @Allow('admin', 'la_officer')
  @Mutation(() => SchoolType, { description: 'Adds a school; CONFLICT when the URN exists.' })
  async createSchool(@Arg('input') input: CreateSchoolInput, @Ctx() ctx: Context): Promise<SchoolType> {
    return toSchoolType(await new SchoolService(ctx.db.dataSource).create(ctx.principal, input));
  }

  @Allow('admin', 'la_officer')
  @Mutation(() => SchoolType, { description: 'Changes a school, identified by URN.' })
  async updateSchool(
    @Arg('urn') urn: string,
    @Arg('input') input: UpdateSchoolInput,
    @Ctx() ctx: Context,
  ): Promise<SchoolType> {
    return toSchoolType(await new SchoolService(ctx.db.dataSource).update(ctx.principal, urn, input));
  }
}
