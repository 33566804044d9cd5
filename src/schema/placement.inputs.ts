import { ArrayUnique, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, Float, InputType, Int } from 'type-graphql';
import {
  EndReasonEnum,
  PlacementReasonEnum,
  PlacementTypeEnum,
  ReviewKindEnum,
  ReviewProgressEnum,
  TargetKindEnum,
  TargetStatusEnum,
  WeekSessionEnum,
} from './enums';
import { PupilAttributeArgs } from './pupil.inputs';
import { LocalDate, NonNegativeInt, UpnScalar } from './scalars';
import {
  LA_CODE,
  LA_CODE_MESSAGE,
  NotBlank,
  NotNullWhenGiven,
  Trimmed,
  URN,
  URN_MESSAGE,
} from './validators';

@ArgsType()
export class PlacementsArgs extends PupilAttributeArgs {
  @Field(() => String, { nullable: true, description: "LA code of the pupil's authority." })
  @IsOptional()
  @Matches(LA_CODE, { message: LA_CODE_MESSAGE })
  authority?: string | null;

  @Field(() => String, { nullable: true, description: 'URN of the commissioning school.' })
  @IsOptional()
  @Matches(URN, { message: URN_MESSAGE })
  school?: string | null;

  @Field(() => String, { nullable: true, description: 'Provider reference.' })
  @IsOptional()
  @Trimmed(50)
  provider?: string | null;

  @Field(() => UpnScalar, { nullable: true, description: "The pupil's UPN." })
  pupil?: string | null;

  @Field(() => PlacementTypeEnum, { nullable: true })
  type?: PlacementTypeEnum | null;

  @Field(() => PlacementReasonEnum, { nullable: true })
  reason?: PlacementReasonEnum | null;

  @Field(() => LocalDate, { nullable: true, description: 'Only placements active on this date.' })
  activeAt?: string | null;
}

@InputType({ description: 'Placement fields that can be set on creation and changed later.' })
class PlacementFieldsInput {
  @Field(() => String, {
    nullable: true,
    description: 'URN of the commissioning school; null: the authority commissions.',
  })
  @IsOptional()
  @Matches(URN, { message: URN_MESSAGE })
  commissionerSchoolUrn?: string | null;

  @Field(() => PlacementReasonEnum, { nullable: true })
  @IsOptional()
  reason?: PlacementReasonEnum | null;

  @Field(() => LocalDate, { nullable: true, description: 'Not before startDate.' })
  @IsOptional()
  plannedEndDate?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Not before startDate.' })
  @IsOptional()
  endDate?: string | null;

  @Field(() => EndReasonEnum, { nullable: true })
  @IsOptional()
  endReason?: EndReasonEnum | null;

  @Field(() => Float, { nullable: true, description: 'Hours per week still in school, 0 to 40.' })
  @IsOptional()
  @Min(0)
  @Max(40)
  schoolHoursPerWeek?: number | null;

  @Field(() => [WeekSessionEnum], { nullable: true, description: 'Weekly pattern; null: all ten sessions.' })
  @IsOptional()
  @ArrayUnique()
  sessions?: WeekSessionEnum[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  objectives?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  successCriteria?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  monitoring?: string | null;

  @Field(() => Int, { nullable: true, description: 'Review interval in weeks, at least 1.' })
  @IsOptional()
  @Min(1)
  @Max(52)
  reviewEveryWeeks?: number | null;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  coreSubjects?: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  transport?: string | null;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  dfeRegistrationChecked?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  healthSafetyChecked?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  safeguardingChecked?: boolean;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  checksDate?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  checksBy?: string | null;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  parentalAgreementDate?: string | null;

  @Field(() => NonNegativeInt, { nullable: true, description: 'Weekly cost in pence (£350.50 is 35050).' })
  @IsOptional()
  weeklyCostPence?: number | null;
}

@InputType({ description: 'A new placement. References are natural keys (UPN, provider reference, URN).' })
export class CreatePlacementInput extends PlacementFieldsInput {
  @Field()
  @Trimmed(50)
  placementRef: string;

  @Field(() => UpnScalar)
  upn: string;

  @Field()
  @Trimmed(50)
  providerRef: string;

  @Field(() => PlacementTypeEnum)
  type: PlacementTypeEnum;

  @Field(() => LocalDate)
  startDate: string;

  @Field(() => Float, { description: 'Hours per week at the provider, 0 to 40.' })
  @Min(0)
  @Max(40)
  hoursPerWeek: number;
}

@InputType({
  description: 'Changes to a placement; fields left out are unchanged, null clears an optional field.',
})
export class UpdatePlacementInput extends PlacementFieldsInput {
  @Field(() => UpnScalar, { nullable: true })
  @NotNullWhenGiven()
  upn?: string;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  @Trimmed(50)
  providerRef?: string;

  @Field(() => PlacementTypeEnum, { nullable: true })
  @NotNullWhenGiven()
  type?: PlacementTypeEnum;

  @Field(() => LocalDate, { nullable: true })
  @NotNullWhenGiven()
  startDate?: string;

  @Field(() => Float, { nullable: true, description: 'Hours per week at the provider, 0 to 40.' })
  @NotNullWhenGiven()
  @Min(0)
  @Max(40)
  hoursPerWeek?: number;
}

@InputType({ description: 'Target fields that can be changed after creation.' })
class TargetFieldsInput {
  @Field(() => TargetStatusEnum, { nullable: true })
  @NotNullWhenGiven()
  status?: TargetStatusEnum;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  agreedByPupil?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  agreedBySchool?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  agreedByProvider?: boolean;
}

@InputType({ description: 'A target of a placement (one per placement and target reference).' })
export class CreateTargetInput extends TargetFieldsInput {
  @Field()
  @Trimmed(50)
  placementRef: string;

  @Field()
  @Trimmed(50)
  targetRef: string;

  @Field(() => TargetKindEnum)
  kind: TargetKindEnum;

  @Field()
  @NotBlank(2000)
  description: string;
}

@InputType({ description: 'Changes to a target; fields left out are unchanged.' })
export class UpdateTargetInput extends TargetFieldsInput {
  @Field(() => TargetKindEnum, { nullable: true })
  @NotNullWhenGiven()
  kind?: TargetKindEnum;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  @NotBlank(2000)
  description?: string;
}

@InputType({ description: 'Review fields that can be changed after creation.' })
class ReviewFieldsInput {
  @Field(() => ReviewKindEnum, { nullable: true })
  @NotNullWhenGiven()
  kind?: ReviewKindEnum;

  @Field(() => ReviewProgressEnum, { nullable: true })
  @IsOptional()
  progress?: ReviewProgressEnum | null;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  pupilViewsRecorded?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  parentsInvolved?: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(4000)
  notes?: string | null;
}

@InputType({ description: 'A review of a placement (one per placement and date).' })
export class CreateReviewInput extends ReviewFieldsInput {
  @Field()
  @Trimmed(50)
  placementRef: string;

  @Field(() => LocalDate)
  reviewDate: string;
}

@InputType({ description: 'Changes to a review; fields left out are unchanged.' })
export class UpdateReviewInput extends ReviewFieldsInput {}
