import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { PupilService } from '../records/pupil.service';
import { CreateDestinationInput, UpdateDestinationInput } from '../schema/pupil.inputs';
import { DestinationType, toDestinationType } from '../schema/pupil.types';
import { LocalDate, UpnScalar } from '../schema/scalars';
import { Context } from '../server/context';

@Resolver(() => DestinationType)
export class DestinationResolver {
  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => DestinationType, {
    description: 'Records a destination; CONFLICT when one exists on that date.',
  })
  async createDestination(
    @Arg('input') input: CreateDestinationInput,
    @Ctx() ctx: Context,
  ): Promise<DestinationType> {
    return toDestinationType(
      await new PupilService(ctx.db.dataSource).createDestination(ctx.principal, input),
    );
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => DestinationType, { description: 'Changes a destination, identified by pupil and date.' })
  async updateDestination(
    @Arg('upn', () => UpnScalar) upn: string,
    @Arg('recordedOn', () => LocalDate) recordedOn: string,
    @Arg('input') input: UpdateDestinationInput,
    @Ctx() ctx: Context,
  ): Promise<DestinationType> {
    const saved = await new PupilService(ctx.db.dataSource).updateDestination(
      ctx.principal,
      upn,
      recordedOn,
      input,
    );
    return toDestinationType(saved);
  }
}
