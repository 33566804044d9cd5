import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { AuthorityService } from '../records/authority.service';
import { CreateAuthorityInput, UpdateAuthorityInput } from '../schema/authority.inputs';
import {
  AuthorityConnection,
  AuthorityType,
  CalendarEntryType,
  toAuthorityType,
} from '../schema/authority.types';
import { connectionOf, PageArgs } from '../schema/connection.types';
import { Context } from '../server/context';

@Resolver(() => AuthorityType)
export class AuthorityResolver {
  @Allow()
  @Query(() => AuthorityConnection, { description: 'Local authorities, in the order they were added.' })
  async authorities(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<AuthorityConnection> {
    const page = await new AuthorityService(ctx.db.dataSource).list(ctx.principal, args);
    return connectionOf(page, toAuthorityType);
  }

  @Allow()
  @Query(() => AuthorityType, { nullable: true, description: 'One authority by LA code, or null.' })
  async authority(@Arg('laCode') laCode: string, @Ctx() ctx: Context): Promise<AuthorityType | null> {
    const found = await new AuthorityService(ctx.db.dataSource).byLaCode(ctx.principal, laCode);
    return found && toAuthorityType(found);
  }

  @FieldResolver(() => [CalendarEntryType], { description: 'Terms and closures, in date order.' })
  calendar(@Root() authority: AuthorityType, @Ctx() ctx: Context): Promise<CalendarEntryType[]> {
    return ctx.loaders.calendarOfAuthority.load(authority.id);
  }

  @Allow('admin')
  @Mutation(() => AuthorityType, { description: 'Adds an authority; CONFLICT when the LA code exists.' })
  async createAuthority(
    @Arg('input') input: CreateAuthorityInput,
    @Ctx() ctx: Context,
  ): Promise<AuthorityType> {
    return toAuthorityType(await new AuthorityService(ctx.db.dataSource).create(ctx.principal, input));
  }

  @Allow('admin')
  @Mutation(() => AuthorityType, { description: 'Changes an authority; NOT_FOUND for an unknown LA code.' })
  async updateAuthority(
    @Arg('laCode') laCode: string,
    @Arg('input') input: UpdateAuthorityInput,
    @Ctx() ctx: Context,
  ): Promise<AuthorityType> {
    return toAuthorityType(
      await new AuthorityService(ctx.db.dataSource).update(ctx.principal, laCode, input),
    );
  }
}
