import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { PlacementPlanService } from '../records/placement-plan.service';
import {
  CreateReviewInput,
  CreateTargetInput,
  UpdateReviewInput,
  UpdateTargetInput,
} from '../schema/placement.inputs';
import { ReviewType, TargetType, toReviewType, toTargetType } from '../schema/placement.types';
import { LocalDate } from '../schema/scalars';
import { Context } from '../server/context';

/** Writes of a placement's targets and reviews. */
@Resolver()
export class PlacementPlanResolver {
  @Allow('admin', 'la_officer', 'school', 'provider')
  @Mutation(() => TargetType, {
    description: 'Adds a target to a placement; CONFLICT when the reference exists.',
  })
  async createTarget(@Arg('input') input: CreateTargetInput, @Ctx() ctx: Context): Promise<TargetType> {
    return toTargetType(await new PlacementPlanService(ctx.db.dataSource).createTarget(ctx.principal, input));
  }

  @Allow('admin', 'la_officer', 'school', 'provider')
  @Mutation(() => TargetType, {
    description: 'Changes a target, identified by placement and target reference.',
  })
  async updateTarget(
    @Arg('placementRef') placementRef: string,
    @Arg('targetRef') targetRef: string,
    @Arg('input') input: UpdateTargetInput,
    @Ctx() ctx: Context,
  ): Promise<TargetType> {
    const saved = await new PlacementPlanService(ctx.db.dataSource).updateTarget(
      ctx.principal,
      placementRef,
      targetRef,
      input,
    );
    return toTargetType(saved);
  }

  @Allow('admin', 'la_officer', 'school', 'provider')
  @Mutation(() => ReviewType, { description: 'Records a review; CONFLICT when one exists on that date.' })
  async createReview(@Arg('input') input: CreateReviewInput, @Ctx() ctx: Context): Promise<ReviewType> {
    return toReviewType(await new PlacementPlanService(ctx.db.dataSource).createReview(ctx.principal, input));
  }

  @Allow('admin', 'la_officer', 'school', 'provider')
  @Mutation(() => ReviewType, { description: 'Changes a review, identified by placement and date.' })
  async updateReview(
    @Arg('placementRef') placementRef: string,
    @Arg('reviewDate', () => LocalDate) reviewDate: string,
    @Arg('input') input: UpdateReviewInput,
    @Ctx() ctx: Context,
  ): Promise<ReviewType> {
    const saved = await new PlacementPlanService(ctx.db.dataSource).updateReview(
      ctx.principal,
      placementRef,
      reviewDate,
      input,
    );
    return toReviewType(saved);
  }
}
