import { IsOptional, Matches, MaxLength } from 'class-validator';
import { ArgsType, Field, InputType } from 'type-graphql';
import { PageArgs } from './connection.types';
import {
  EnvironmentRiskEnum,
  EvidenceItemEnum,
  EvidenceStatusEnum,
  VisitJudgementEnum,
  VisitorEnum,
} from './enums';
import { LocalDate, NonNegativeInt } from './scalars';
import { NotNullWhenGiven, Trimmed, URN, URN_MESSAGE } from './validators';

@ArgsType()
export class ProvidersArgs extends PageArgs {
  @Field(() => Boolean, {
    nullable: true,
    description: 'Only providers on (true) or off (false) the framework.',
  })
  onFramework?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only registered (true) or unregistered (false) providers.',
  })
  registered?: boolean | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Only providers with a placement active on this date, in any authority.',
  })
  activeAt?: string | null;
}

@InputType({ description: 'Provider fields that can be set on creation and changed later.' })
class ProviderFieldsInput {
  @Field(() => String, { nullable: true, description: 'URN as a registered independent school, 6 digits.' })
  @IsOptional()
  @Matches(URN, { message: URN_MESSAGE })
  dfeUrn?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  ofstedJudgement?: string | null;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  ofstedDate?: string | null;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  offersFullTime?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  offersPartTime?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  offersInSchool?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  online?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  professionalServices?: boolean;

  @Field(() => EnvironmentRiskEnum, { nullable: true })
  @IsOptional()
  environmentRisk?: EnvironmentRiskEnum | null;

  @Field(() => [String], { nullable: true, description: 'Forms of provision; replaces the list.' })
  @NotNullWhenGiven()
  @MaxLength(100, { each: true })
  forms?: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10)
  postcode?: string | null;
}

@InputType({ description: 'A new provider.' })
export class CreateProviderInput extends ProviderFieldsInput {
  @Field()
  @Trimmed(50)
  providerRef: string;

  @Field()
  @Trimmed(200)
  name: string;

  @Field()
  onFramework: boolean;

  @Field()
  registered: boolean;
}

@InputType({
  description: 'Changes to a provider; fields left out are unchanged, null clears an optional field.',
})
export class UpdateProviderInput extends ProviderFieldsInput {
  @Field({ nullable: true })
  @NotNullWhenGiven()
  @Trimmed(200)
  name?: string;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  onFramework?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  registered?: boolean;
}

@InputType({ description: 'Evidence fields that can be set on creation and changed later.' })
class EvidenceFieldsInput {
  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  evidenceDate?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'When the evidence expires.' })
  @IsOptional()
  expiresOn?: string | null;

  @Field(() => NonNegativeInt, {
    nullable: true,
    description: 'Limit of indemnity in pence (insurance items).',
  })
  @IsOptional()
  valuePence?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  checkedBy?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  notes?: string | null;
}

@InputType({ description: 'A compliance evidence item for a provider (one per provider and item).' })
export class CreateProviderEvidenceInput extends EvidenceFieldsInput {
  @Field()
  @Trimmed(50)
  providerRef: string;

  @Field(() => EvidenceItemEnum)
  item: EvidenceItemEnum;

  @Field(() => EvidenceStatusEnum)
  status: EvidenceStatusEnum;
}

@InputType({ description: 'Changes to an evidence item; fields left out are unchanged.' })
export class UpdateProviderEvidenceInput extends EvidenceFieldsInput {
  @Field(() => EvidenceStatusEnum, { nullable: true })
  @NotNullWhenGiven()
  status?: EvidenceStatusEnum;
}

@InputType({ description: 'Visit fields that can be set on creation and changed later.' })
class VisitFieldsInput {
  @Field({ nullable: true })
  @NotNullWhenGiven()
  healthSafetyChecked?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  competentPerson?: boolean;

  @Field(() => VisitJudgementEnum, { nullable: true })
  @IsOptional()
  judgement?: VisitJudgementEnum | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  notes?: string | null;
}

@InputType({ description: 'A visit to a provider (one per provider, date and visitor).' })
export class CreateProviderVisitInput extends VisitFieldsInput {
  @Field()
  @Trimmed(50)
  providerRef: string;

  @Field(() => LocalDate)
  visitDate: string;

  @Field(() => VisitorEnum)
  visitor: VisitorEnum;
}

@InputType({ description: 'Changes to a visit; fields left out are unchanged.' })
export class UpdateProviderVisitInput extends VisitFieldsInput {}
