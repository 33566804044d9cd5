import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { ProviderService } from '../records/provider.service';
import { EvidenceItemEnum, VisitorEnum } from '../schema/enums';
import {
  CreateProviderEvidenceInput,
  CreateProviderVisitInput,
  UpdateProviderEvidenceInput,
  UpdateProviderVisitInput,
} from '../schema/provider.inputs';
import {
  ProviderEvidenceType,
  ProviderVisitType,
  toProviderEvidenceType,
  toProviderVisitType,
} from '../schema/provider.types';
import { LocalDate } from '../schema/scalars';
import { Context } from '../server/context';

/** Writes of a provider's compliance evidence and visits. */
@Resolver()
export class ProviderComplianceResolver {
  @Allow('admin', 'la_officer')
  @Mutation(() => ProviderEvidenceType, {
    description: 'Records an evidence item; CONFLICT when the item exists.',
  })
  async createProviderEvidence(
    @Arg('input') input: CreateProviderEvidenceInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderEvidenceType> {
    const saved = await new ProviderService(ctx.db.dataSource).createEvidence(ctx.principal, input);
    return toProviderEvidenceType(saved);
  }

  @Allow('admin', 'la_officer')
  @Mutation(() => ProviderEvidenceType, { description: 'Changes an evidence item of a provider.' })
  async updateProviderEvidence(
    @Arg('providerRef') providerRef: string,
    @Arg('item', () => EvidenceItemEnum) item: EvidenceItemEnum,
    @Arg('input') input: UpdateProviderEvidenceInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderEvidenceType> {
    const saved = await new ProviderService(ctx.db.dataSource).updateEvidence(
      ctx.principal,
      providerRef,
      item,
      input,
    );
    return toProviderEvidenceType(saved);
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => ProviderVisitType, {
    description: 'Records a visit; CONFLICT when one exists for that date and visitor.',
  })
  async createProviderVisit(
    @Arg('input') input: CreateProviderVisitInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderVisitType> {
    return toProviderVisitType(
      await new ProviderService(ctx.db.dataSource).createVisit(ctx.principal, input),
    );
  }

  @Allow('admin', 'la_officer', 'school')
  @Mutation(() => ProviderVisitType, {
    description: 'Changes a visit, identified by provider, date and visitor.',
  })
  async updateProviderVisit(
    @Arg('providerRef') providerRef: string,
    @Arg('visitDate', () => LocalDate) visitDate: string,
    @Arg('visitor', () => VisitorEnum) visitor: VisitorEnum,
    @Arg('input') input: UpdateProviderVisitInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderVisitType> {
    const saved = await new ProviderService(ctx.db.dataSource).updateVisit(
      ctx.principal,
      { providerRef, visitDate, visitor },
      input,
    );
    return toProviderVisitType(saved);
  }
}
