import { IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { PageArgs } from './connection.types';
import { DestinationActivityEnum, GenderEnum, KeyStageEnum, SenStatusEnum } from './enums';
import { LocalDate, UpnScalar } from './scalars';
import { LA_CODE, LA_CODE_MESSAGE, NotNullWhenGiven, Trimmed, URN, URN_MESSAGE } from './validators';

/** Filters on the pupil's own attributes, shared by the pupil and placement lists. */
@ArgsType()
export class PupilAttributeArgs extends PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'National curriculum year at `asOf` (Reception 0, Year 11 is 11).',
  })
  @IsOptional()
  @Min(-5)
  @Max(20)
  yearGroup?: number | null;

  @Field(() => KeyStageEnum, { nullable: true, description: 'Key stage at `asOf`.' })
  keyStage?: KeyStageEnum | null;

  @Field(() => SenStatusEnum, { nullable: true })
  sen?: SenStatusEnum | null;

  @Field(() => Boolean, { nullable: true })
  lookedAfter?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Eligible for free school meals.' })
  fsm?: boolean | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Date at which yearGroup and keyStage are evaluated; default today (Europe/London).',
  })
  asOf?: string | null;
}

@ArgsType()
export class PupilsArgs extends PupilAttributeArgs {
  @Field(() => String, { nullable: true, description: "LA code of the pupil's authority." })
  @IsOptional()
  @Matches(LA_CODE, { message: LA_CODE_MESSAGE })
  authority?: string | null;

  @Field(() => String, { nullable: true, description: 'URN of the school whose roll the pupil is on.' })
  @IsOptional()
  @Matches(URN, { message: URN_MESSAGE })
  school?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Provider reference: pupils with a placement there (active on `activeAt` when given).',
  })
  @IsOptional()
  @Trimmed(50)
  provider?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Only pupils with a placement active on this date.',
  })
  activeAt?: string | null;
}

@InputType({ description: 'Pupil fields that can be changed after creation.' })
class PupilFieldsInput {
  @Field(() => String, {
    nullable: true,
    description: 'URN of the school whose roll the pupil is on; null: none.',
  })
  @IsOptional()
  @Matches(URN, { message: URN_MESSAGE })
  schoolUrn?: string | null;

  @Field({ nullable: true, description: 'Electively home educated.' })
  @NotNullWhenGiven()
  homeEducated?: boolean;

  @Field(() => GenderEnum, { nullable: true })
  @IsOptional()
  gender?: GenderEnum | null;

  @Field(() => SenStatusEnum, { nullable: true })
  @NotNullWhenGiven()
  senStatus?: SenStatusEnum;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  lookedAfter?: boolean;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  fsm?: boolean;
}

@InputType({ description: 'A new pupil.' })
export class CreatePupilInput extends PupilFieldsInput {
  @Field(() => UpnScalar)
  upn: string;

  @Field()
  @Trimmed(100)
  firstName: string;

  @Field()
  @Trimmed(100)
  lastName: string;

  @Field(() => LocalDate)
  dateOfBirth: string;

  @Field({ description: "LA code of the pupil's authority." })
  @Matches(LA_CODE, { message: LA_CODE_MESSAGE })
  laCode: string;
}

@InputType({
  description: 'Changes to a pupil; fields left out are unchanged, null clears an optional field.',
})
export class UpdatePupilInput extends PupilFieldsInput {
  @Field({ nullable: true })
  @NotNullWhenGiven()
  @Trimmed(100)
  firstName?: string;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  @Trimmed(100)
  lastName?: string;

  @Field(() => LocalDate, { nullable: true })
  @NotNullWhenGiven()
  dateOfBirth?: string;

  @Field({ nullable: true })
  @NotNullWhenGiven()
  @Matches(LA_CODE, { message: LA_CODE_MESSAGE })
  laCode?: string;
}

@InputType({ description: 'Destination fields that can be changed after creation.' })
class DestinationFieldsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  providerName?: string | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  sustained?: boolean | null;
}

@InputType({ description: "A pupil's destination recorded on a date (one per pupil and date)." })
export class CreateDestinationInput extends DestinationFieldsInput {
  @Field(() => UpnScalar)
  upn: string;

  @Field(() => LocalDate)
  recordedOn: string;

  @Field(() => DestinationActivityEnum)
  activity: DestinationActivityEnum;
}

@InputType({ description: 'Changes to a destination; fields left out are unchanged.' })
export class UpdateDestinationInput extends DestinationFieldsInput {
  @Field(() => DestinationActivityEnum, { nullable: true })
  @NotNullWhenGiven()
  activity?: DestinationActivityEnum;
}
