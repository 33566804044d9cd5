import { Field, ObjectType } from 'type-graphql';
import { Placement, Review, Target } from '../entities';
import { WEEK_SESSIONS } from '../entities/placement.entity';
import { Connection } from './connection.types';
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
import { poundsOf } from './provider.types';
import { LocalDate, NonNegativeFloat, NonNegativeInt, PositiveInt } from './scalars';

@ObjectType('Placement', {
  simpleResolvers: true,
  description:
    'A pupil placed with a provider, identified by its placement reference. Other resolver classes may add fields (attendance).',
})
export class PlacementType {
  id: number;
  pupilId: number;
  providerId: number;
  commissionerSchoolId: number | null;

  @Field()
  placementRef: string;

  @Field(() => PlacementTypeEnum)
  type: PlacementTypeEnum;

  @Field(() => PlacementReasonEnum, { nullable: true })
  reason: PlacementReasonEnum | null;

  @Field(() => LocalDate)
  startDate: string;

  @Field(() => LocalDate, { nullable: true })
  plannedEndDate: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Actual end date; null while the placement goes on.',
  })
  endDate: string | null;

  @Field(() => EndReasonEnum, { nullable: true })
  endReason: EndReasonEnum | null;

  @Field(() => NonNegativeFloat, { description: 'Hours per week at the provider (0 to 40).' })
  hoursPerWeek: number;

  @Field(() => NonNegativeFloat, { nullable: true, description: 'Hours per week still in school (0 to 40).' })
  schoolHoursPerWeek: number | null;

  @Field(() => [WeekSessionEnum], {
    description: 'Weekly session pattern at the provider; all ten sessions when none was given.',
  })
  sessions: WeekSessionEnum[];

  @Field(() => String, { nullable: true })
  objectives: string | null;

  @Field(() => String, { nullable: true })
  successCriteria: string | null;

  @Field(() => String, { nullable: true, description: 'How progress is monitored.' })
  monitoring: string | null;

  @Field(() => PositiveInt, { nullable: true, description: 'Review interval in weeks.' })
  reviewEveryWeeks: number | null;

  @Field({ description: 'English, maths and science are offered.' })
  coreSubjects: boolean;

  @Field(() => String, { nullable: true })
  transport: string | null;

  @Field({ description: 'DfE registration check made before the placement.' })
  dfeRegistrationChecked: boolean;

  @Field({ description: 'Health and safety check made before the placement.' })
  healthSafetyChecked: boolean;

  @Field({ description: 'Safeguarding (KCSIE) check made before the placement.' })
  safeguardingChecked: boolean;

  @Field(() => LocalDate, { nullable: true, description: 'When the pre-placement checks were made.' })
  checksDate: string | null;

  @Field(() => String, { nullable: true, description: 'Who made the pre-placement checks.' })
  checksBy: string | null;

  @Field(() => LocalDate, { nullable: true })
  parentalAgreementDate: string | null;

  @Field(() => NonNegativeInt, { nullable: true, description: 'Weekly cost in pence (exact, as stored).' })
  weeklyCostPence: number | null;

  @Field(() => NonNegativeFloat, {
    nullable: true,
    description: 'Weekly cost in pounds (weeklyCostPence / 100).',
  })
  weeklyCostPounds: number | null;
}

@ObjectType('Target', {
  simpleResolvers: true,
  description: "A target of the provider's individual learning plan for a placement.",
})
export class TargetType {
  @Field({ description: 'Reference of the target, unique within its placement.' })
  targetRef: string;

  @Field(() => TargetKindEnum)
  kind: TargetKindEnum;

  @Field()
  description: string;

  @Field(() => TargetStatusEnum)
  status: TargetStatusEnum;

  @Field()
  agreedByPupil: boolean;

  @Field()
  agreedBySchool: boolean;

  @Field()
  agreedByProvider: boolean;
}

@ObjectType('Review', {
  simpleResolvers: true,
  description: 'A placement review or visit (one per placement per date).',
})
export class ReviewType {
  @Field(() => LocalDate)
  reviewDate: string;

  @Field(() => ReviewKindEnum)
  kind: ReviewKindEnum;

  @Field(() => ReviewProgressEnum, { nullable: true })
  progress: ReviewProgressEnum | null;

  @Field({ description: "The pupil's views were recorded." })
  pupilViewsRecorded: boolean;

  @Field({ description: 'Parents or carers took part.' })
  parentsInvolved: boolean;

  @Field(() => String, { nullable: true })
  notes: string | null;
}

@ObjectType({ simpleResolvers: true })
export class PlacementConnection extends Connection(PlacementType, 'Placement') {}

export function toPlacementType(p: Placement): PlacementType {
  const { id, pupilId, providerId, commissionerSchoolId, placementRef, startDate, plannedEndDate, endDate } =
    p;
  return Object.assign(new PlacementType(), {
    id,
    pupilId,
    providerId,
    commissionerSchoolId,
    placementRef,
    type: p.type as PlacementTypeEnum,
    reason: p.reason as PlacementReasonEnum | null,
    startDate,
    plannedEndDate,
    endDate,
    endReason: p.endReason as EndReasonEnum | null,
    hoursPerWeek: p.hoursPerWeek,
    schoolHoursPerWeek: p.schoolHoursPerWeek,
    sessions: (p.sessions ?? WEEK_SESSIONS) as WeekSessionEnum[],
    objectives: p.objectives,
    successCriteria: p.successCriteria,
    monitoring: p.monitoring,
    reviewEveryWeeks: p.reviewEveryWeeks,
    coreSubjects: p.coreSubjects,
    transport: p.transport,
    dfeRegistrationChecked: p.dfeRegistrationChecked,
    healthSafetyChecked: p.healthSafetyChecked,
    safeguardingChecked: p.safeguardingChecked,
    checksDate: p.checksDate,
    checksBy: p.checksBy,
    parentalAgreementDate: p.parentalAgreementDate,
    weeklyCostPence: p.weeklyCostPence,
    weeklyCostPounds: poundsOf(p.weeklyCostPence),
  });
}

export function toTargetType(t: Target): TargetType {
  return Object.assign(new TargetType(), {
    targetRef: t.targetRef,
    kind: t.kind as TargetKindEnum,
    description: t.description,
    status: t.status as TargetStatusEnum,
    agreedByPupil: t.agreedByPupil,
    agreedBySchool: t.agreedBySchool,
    agreedByProvider: t.agreedByProvider,
  });
}

export function toReviewType(r: Review): ReviewType {
  return Object.assign(new ReviewType(), {
    reviewDate: r.reviewDate,
    kind: r.kind as ReviewKindEnum,
    progress: r.progress as ReviewProgressEnum | null,
    pupilViewsRecorded: r.pupilViewsRecorded,
    parentsInvolved: r.parentsInvolved,
    notes: r.notes,
  });
}
