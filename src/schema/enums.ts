import { registerEnumType } from 'type-graphql';
import { EVIDENCE_ITEMS, EvidenceItem } from '../entities/provider-evidence.entity';

/**
 * A GraphQL enum made from a closed list of stored strings declared elsewhere: names are the values in
 * upper case, values the strings themselves, so the list is written once.
 */
export function enumOfValues<const V extends string>(values: readonly V[]): { [K in V as Uppercase<K>]: K } {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as { [K in V as Uppercase<K>]: K };
}

/**
 * GraphQL enums whose values are the strings stored in the database (and used in the import files), so
 * an enum value passes from an input to SQL unchanged. Names are the GraphQL convention (UPPER_CASE).
 */
export enum SchoolTypeEnum {
  MAINTAINED = 'maintained',
  ACADEMY = 'academy',
  FREE = 'free',
  SPECIAL = 'special',
  PRU = 'pru',
  INDEPENDENT = 'independent',
}

export enum CalendarKindEnum {
  TERM = 'term',
  CLOSURE = 'closure',
}

export enum EnvironmentRiskEnum {
  LOW = 'low',
  MEDIUM = 'medium',
  HIGH = 'high',
}

/** Appendix 1's evidence items, from the one list in the entity. */
export const EvidenceItemEnum = enumOfValues(EVIDENCE_ITEMS);
export type EvidenceItemEnum = EvidenceItem;

export enum EvidenceStatusEnum {
  HELD = 'held',
  MISSING = 'missing',
  NOT_APPLICABLE = 'not_applicable',
}

export enum VisitorEnum {
  LA = 'la',
  SCHOOL = 'school',
}

export enum VisitJudgementEnum {
  GOOD = 'good',
  REQUIRES_IMPROVEMENT = 'requires_improvement',
  INADEQUATE = 'inadequate',
}

export enum GenderEnum {
  F = 'F',
  M = 'M',
  X = 'X',
}

export enum SenStatusEnum {
  NONE = 'none',
  SEN_SUPPORT = 'sen_support',
  EHCP = 'ehcp',
}

export enum KeyStageEnum {
  KS1 = 'KS1',
  KS2 = 'KS2',
  KS3 = 'KS3',
  KS4 = 'KS4',
}

export enum PlacementTypeEnum {
  FULL_TIME = 'full_time',
  PART_TIME = 'part_time',
  IN_SCHOOL = 'in_school',
}

export enum PlacementReasonEnum {
  PERMANENT_EXCLUSION = 'permanent_exclusion',
  AT_RISK_OF_EXCLUSION = 'at_risk_of_exclusion',
  MEDICAL = 'medical',
  SEMH = 'semh',
  OTHER = 'other',
}

export enum EndReasonEnum {
  REINTEGRATED = 'reintegrated',
  PROGRESSED = 'progressed',
  COMPLETED = 'completed',
  MOVED = 'moved',
  BROKE_DOWN = 'broke_down',
}

/** GraphQL enum names cannot contain '-', so MON_AM stands for the stored `MON-AM`. */
export enum WeekSessionEnum {
  MON_AM = 'MON-AM',
  MON_PM = 'MON-PM',
  TUE_AM = 'TUE-AM',
  TUE_PM = 'TUE-PM',
  WED_AM = 'WED-AM',
  WED_PM = 'WED-PM',
  THU_AM = 'THU-AM',
  THU_PM = 'THU-PM',
  FRI_AM = 'FRI-AM',
  FRI_PM = 'FRI-PM',
}

export enum TargetKindEnum {
  ACADEMIC = 'academic',
  ATTENDANCE = 'attendance',
  BEHAVIOUR = 'behaviour',
  ATTITUDE = 'attitude',
  OTHER = 'other',
}

export enum TargetStatusEnum {
  IN_PROGRESS = 'in_progress',
  MET = 'met',
  PARTLY_MET = 'partly_met',
  NOT_MET = 'not_met',
}

export enum ReviewKindEnum {
  REVIEW = 'review',
  VISIT = 'visit',
}

export enum ReviewProgressEnum {
  GOOD = 'good',
  SOME = 'some',
  NONE = 'none',
}

export enum DestinationActivityEnum {
  EDUCATION = 'education',
  APPRENTICESHIP = 'apprenticeship',
  EMPLOYMENT_WITH_TRAINING = 'employment_with_training',
  EMPLOYMENT_WITHOUT_TRAINING = 'employment_without_training',
  TRAINING = 'training',
  NEET = 'neet',
  NOT_KNOWN = 'not_known',
}

const ENUMS: [object, string, string][] = [
  [SchoolTypeEnum, 'SchoolType', 'Kind of school (DfE establishment type, simplified).'],
  [CalendarKindEnum, 'CalendarKind', 'A term (school days) or a closure inside a term (no school days).'],
  [
    EnvironmentRiskEnum,
    'EnvironmentRisk',
    'Risk of the physical environment (construction, agriculture and motor vehicles are high).',
  ],
  [
    EvidenceItemEnum,
    'EvidenceItem',
    'A compliance evidence item of appendix 1 of the commissioning guidance.',
  ],
  [EvidenceStatusEnum, 'EvidenceStatus', 'Whether the provider holds the evidence.'],
  [VisitorEnum, 'Visitor', 'Who made a provider visit: the local authority or a school.'],
  [VisitJudgementEnum, 'VisitJudgement', 'Judgement of a quality-assurance visit.'],
  [GenderEnum, 'Gender', 'Gender as recorded by the school (F, M, X).'],
  [
    SenStatusEnum,
    'SenStatus',
    'Special educational needs: none, SEN support, or an education, health and care plan.',
  ],
  [KeyStageEnum, 'KeyStage', 'National curriculum key stage (KS1 years 1-2, KS2 3-6, KS3 7-9, KS4 10-11).'],
  [PlacementTypeEnum, 'PlacementType', 'Framework lot of a placement.'],
  [PlacementReasonEnum, 'PlacementReason', 'Why the pupil was placed.'],
  [EndReasonEnum, 'EndReason', 'Why a placement ended.'],
  [WeekSessionEnum, 'WeekSession', 'A weekday half-day session (MON_AM stands for MON-AM in import files).'],
  [TargetKindEnum, 'TargetKind', 'Academic or wider (attendance, behaviour, attitude) target.'],
  [TargetStatusEnum, 'TargetStatus', 'Progress against a target.'],
  [ReviewKindEnum, 'ReviewKind', 'A placement review meeting or a visit.'],
  [ReviewProgressEnum, 'ReviewProgress', 'Progress judged at a review.'],
  [DestinationActivityEnum, 'DestinationActivity', 'What a leaver is doing (post-16 destination).'],
];

for (const [enumObj, name, description] of ENUMS) registerEnumType(enumObj, { name, description });
