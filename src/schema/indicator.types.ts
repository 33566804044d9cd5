import { IsIn, Max, Min } from 'class-validator';
import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { INDICATOR_DEFINITIONS } from '../indicators/aggregates/indicator-definitions';
import type { Measure } from '../indicators/disclosure';
import type { Flag } from '../indicators/flag-definition';
import type { IndicatorReport, SeriesPoint } from '../indicators/indicators.service';
import { FLAG_DEFINITIONS } from '../indicators/registry';
import { Connection, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection.types';
import { LocalDate } from './scalars';

/** Enums generated from the registries, so a new flag or indicator appears here by itself. */
export const FlagCode = Object.fromEntries(FLAG_DEFINITIONS.map((f) => [f.code, f.code]));
registerEnumType(FlagCode, {
  name: 'FlagCode',
  description: 'Every flag of spec/indicators.md.',
  valuesConfig: Object.fromEntries(
    FLAG_DEFINITIONS.map((f) => [f.code, { description: `${f.title} (${f.subjectType}): ${f.description}` }]),
  ),
});

export enum FlagSubjectType {
  pupil = 'pupil',
  placement = 'placement',
  provider = 'provider',
}
registerEnumType(FlagSubjectType, { name: 'FlagSubjectType', description: 'What a flag is about.' });

export const IndicatorKey = Object.fromEntries(INDICATOR_DEFINITIONS.map((d) => [d.key, d.key]));
registerEnumType(IndicatorKey, {
  name: 'IndicatorKey',
  description: 'The headline aggregate indicators.',
  valuesConfig: Object.fromEntries(
    INDICATOR_DEFINITIONS.map((d) => [d.key, { description: `${d.title} (${d.unit}): ${d.description}` }]),
  ),
});

@ObjectType('Flag', {
  simpleResolvers: true,
  description: 'One fact about one subject that someone must act on, as of a date.',
})
export class FlagType {
  @Field(() => FlagCode)
  code: string;

  @Field(() => FlagSubjectType)
  subjectType: FlagSubjectType;

  @Field({ description: 'UPN, placement reference or provider reference.' })
  subjectKey: string;

  @Field(() => [String], { description: 'LA codes, sorted: the pupil’s, or those with pupils placed there.' })
  authorities: string[];

  @Field({ description: 'A sentence with the numbers behind the flag.' })
  reason: string;

  /** Surrogate id of the subject, for the pupil/placement/provider field resolvers. */
  subjectId: number;
}

export function toFlagType(f: Flag): FlagType {
  return Object.assign(new FlagType(), { ...f, subjectType: f.subjectType as FlagSubjectType });
}

@ObjectType({ simpleResolvers: true })
export class FlagConnection extends Connection(FlagType, 'Flag') {}

@ArgsType()
export class FlagsArgs {
  @Field(() => LocalDate, { description: 'Flags as of this date, from what the hub knew on it.' })
  asOf: string;

  @Field(() => String, { nullable: true, description: 'One authority (LA code); default all you may see.' })
  authority?: string | null;

  @Field(() => [FlagCode], { nullable: true, description: 'Only these codes.' })
  @IsIn(
    FLAG_DEFINITIONS.map((f) => f.code),
    { each: true },
  )
  codes?: string[] | null;

  @Field(() => FlagSubjectType, { nullable: true })
  subjectType?: FlagSubjectType | null;

  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size (1 to ${MAX_PAGE_SIZE}).` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'Return flags after this cursor.' })
  after?: string | null;
}

@ObjectType('Measure', {
  simpleResolvers: true,
  description:
    'A published figure. Under disclosure control (aggregates-only callers) a count of 1 to 4, or a rate over fewer than 5, has value null and suppressed true.',
})
export class MeasureType {
  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => Int, { nullable: true, description: 'What a rate is over (pupils, placements, targets...).' })
  denominator: number | null;

  @Field()
  suppressed: boolean;
}

@ObjectType('IndicatorValue', { simpleResolvers: true })
export class IndicatorValueType {
  @Field(() => IndicatorKey)
  key: string;

  @Field()
  title: string;

  @Field()
  unit: string;

  @Field(() => MeasureType)
  measure: Measure;
}

@ObjectType('FlagCount', { simpleResolvers: true })
export class FlagCountType {
  @Field(() => FlagCode)
  code: string;

  @Field(() => MeasureType)
  count: Measure;
}

@ObjectType('IndicatorBreakdown', {
  simpleResolvers: true,
  description: 'Pupils in AP and active placements by one dimension.',
})
export class BreakdownType {
  @Field({ description: 'type, reason, keyStage, sen, lookedAfter or fsm.' })
  dimension: string;

  @Field()
  value: string;

  @Field(() => MeasureType)
  pupils: Measure;

  @Field(() => MeasureType)
  placements: Measure;
}

@ObjectType('DestinationShare', { simpleResolvers: true })
export class DestinationShareType {
  @Field()
  activity: string;

  @Field(() => MeasureType)
  pupils: Measure;

  @Field(() => MeasureType)
  share: Measure;
}

@ObjectType('ProviderIndicators', { simpleResolvers: true })
export class ProviderIndicatorsType {
  @Field()
  providerRef: string;

  @Field()
  name: string;

  @Field(() => MeasureType, { description: 'Pupils with a placement here active at the date.' })
  pupils: Measure;

  @Field(() => MeasureType)
  placements: Measure;

  @Field(() => MeasureType)
  attendanceRate: Measure;

  @Field(() => MeasureType)
  targetsMetShare: Measure;

  @Field(() => MeasureType)
  reintegrationOrProgressionShare: Measure;

  @Field(() => MeasureType, {
    description: 'Positive destinations of Year 11 leavers placed here in Year 11.',
  })
  destinationRate: Measure;

  @Field(() => MeasureType, { description: 'Provider flags raised at the date.' })
  complianceFlags: Measure;

  @Field(() => MeasureType, { description: 'Weekly cost of active placements per pupil, in pounds.' })
  costPerPupilWeekGbp: Measure;
}

@ObjectType('Indicators', { simpleResolvers: true })
export class IndicatorsType {
  @Field(() => LocalDate)
  asOf: string;

  @Field(() => [String], { nullable: true, description: 'LA codes covered; null = every authority.' })
  authorities: string[] | null;

  @Field(() => [IndicatorValueType])
  headline: IndicatorValueType[];

  @Field(() => [FlagCountType])
  flagCounts: FlagCountType[];

  @Field(() => [BreakdownType])
  breakdowns: BreakdownType[];

  @Field(() => [DestinationShareType], { description: 'Year 11 leavers with a placement in Year 11.' })
  destinations: DestinationShareType[];

  @Field(() => [ProviderIndicatorsType])
  providers: ProviderIndicatorsType[];
}

@ObjectType('IndicatorSeriesPoint', { simpleResolvers: true })
export class SeriesPointType {
  @Field(() => LocalDate)
  date: string;

  @Field(() => [IndicatorValueType])
  headline: IndicatorValueType[];

  @Field(() => [FlagCountType])
  flagCounts: FlagCountType[];
}

function headlineOf(headline: Record<string, Measure>): IndicatorValueType[] {
  return INDICATOR_DEFINITIONS.map((d) => ({
    key: d.key,
    title: d.title,
    unit: d.unit,
    measure: headline[d.key],
  }));
}

export function toIndicatorsType(r: IndicatorReport): IndicatorsType {
  return { ...r, headline: headlineOf(r.headline) };
}

export function toSeriesPointType(p: SeriesPoint): SeriesPointType {
  return { ...p, headline: headlineOf(p.headline) };
}
