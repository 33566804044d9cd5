import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { ProviderService } from '../records/provider.service';
import { connectionOf } from '../schema/connection.types';
import { CreateProviderInput, ProvidersArgs, UpdateProviderInput } from '../schema/provider.inputs';
import {
  ProviderConnection,
  ProviderEvidenceType,
  ProviderType,
  ProviderVisitType,
  toProviderType,
} from '../schema/provider.types';
import { Context } from '../server/context';

@Resolver(() => ProviderType)
export class ProviderResolver {
  @Allow()
  @Query(() => ProviderConnection, {
    description: 'Providers, filtered by framework, registration and activity.',
  })
  async providers(@Args() args: ProvidersArgs, @Ctx() ctx: Context): Promise<ProviderConnection> {
    const page = await new ProviderService(ctx.db.dataSource).list(ctx.principal, args, args);
    return connectionOf(page, toProviderType);
  }

  @Allow()
  @Query(() => ProviderType, { nullable: true, description: 'One provider by reference, or null.' })
  async provider(@Arg('providerRef') providerRef: string, @Ctx() ctx: Context): Promise<ProviderType | null> {
    const found = await new ProviderService(ctx.db.dataSource).byRef(ctx.principal, providerRef);
    return found && toProviderType(found);
  }

  @FieldResolver(() => [ProviderEvidenceType], { description: 'Compliance evidence items held on record.' })
  evidence(@Root() provider: ProviderType, @Ctx() ctx: Context): Promise<ProviderEvidenceType[]> {
    return ctx.loaders.evidenceOfProvider.load(provider.id);
  }

  @FieldResolver(() => [ProviderVisitType], { description: 'Visits, latest first.' })
  visits(@Root() provider: ProviderType, @Ctx() ctx: Context): Promise<ProviderVisitType[]> {
    return ctx.loaders.visitsToProvider.load(provider.id);
  }

  @Allow('admin', 'la_officer')
  @Mutation(() => ProviderType, { description: 'Adds a provider; CONFLICT when the reference exists.' })
  async createProvider(@Arg('input') input: CreateProviderInput, @Ctx() ctx: Context): Promise<ProviderType> {
    return toProviderType(await new ProviderService(ctx.db.dataSource).create(ctx.principal, input));
  }

  @Allow('admin', 'la_officer')
  @Mutation(() => ProviderType, { description: 'Changes a provider, identified by reference.' })
  async updateProvider(
    @Arg('providerRef') providerRef: string,
    @Arg('input') input: UpdateProviderInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderType> {
    return toProviderType(
      await new ProviderService(ctx.db.dataSource).update(ctx.principal, providerRef, input),
    );
  }
}
