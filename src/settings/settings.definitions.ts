import { z } from 'zod';

/**
 * Every threshold of spec/indicators.md, with the spec's default. An authority stores only its
 * overrides (authority.settings); absent keys take these defaults. Keys are stable: they are the
 * jsonb keys, the CLI's `--set key=value` names and the GraphQL setting keys.
 */
export interface SettingDefinition {
  key: string;
  description: string;
  unit: string;
  default: number | string;
  schema: z.ZodType<number | string>;
}

const hours = z.number().min(0).max(40);
const positiveInt = z.number().int().min(1).max(100_000);
const share = z.number().min(0).max(1);
const pounds = z.number().min(0).max(1_000_000_000);

function def(
  key: string,
  defaultValue: number | string,
  unit: string,
  schema: z.ZodType<number | string>,
  description: string,
): SettingDefinition {
  return { key, default: defaultValue, unit, schema, description };
}

export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  def(
    'fullTimeHoursKS1',
    21,
    'hours a week',
    hours,
    'Full-time education at key stage 1 (REDUCED_EDUCATION)',
  ),
  def(
    'fullTimeHoursKS2',
    23.5,
    'hours a week',
    hours,
    'Full-time education at key stage 2 (REDUCED_EDUCATION)',
  ),
  def(
    'fullTimeHoursKS3',
    24,
    'hours a week',
    hours,
    'Full-time education at key stage 3 (REDUCED_EDUCATION)',
  ),
  def(
    'fullTimeHoursKS4',
    25,
    'hours a week',
    hours,
    'Full-time education at key stage 4 (REDUCED_EDUCATION)',
  ),
  def(
    'partTimeLimitWeeks',
    6,
    'weeks',
    positiveInt,
    'How long a reduced timetable may last (PART_TIME_TOO_LONG)',
  ),
  def(
    'absenceMinSessions',
    10,
    'sessions',
    positiveInt,
    'Possible sessions needed before absence rates count',
  ),
  def('persistentAbsenceRate', 0.1, 'share', share, 'Absence rate at or above which absence is persistent'),
  def('severeAbsenceRate', 0.5, 'share', share, 'Absence rate at or above which absence is severe'),
  def('unexplainedAbsenceSessions', 6, 'sessions', positiveInt, 'Latest possible sessions all coded N or O'),
  def('neetRiskThreshold', 4, 'points', positiveInt, 'Risk score at or above which NEET_RISK is raised'),
  def('neetRiskAttendanceLow', 0.9, 'share', share, 'Attendance below this scores 1 in the NEET risk score'),
  def(
    'neetRiskAttendanceVeryLow',
    0.85,
    'share',
    share,
    'Attendance below this scores 2 in the NEET risk score',
  ),
  def(
    'attendanceReportingDays',
    5,
    'school days',
    positiveInt,
    'School days checked by ATTENDANCE_NOT_REPORTED',
  ),
  def('shortPlacementWeeks', 12, 'weeks', positiveInt, 'Off-site placements longer than this must be light'),
  def(
    'longPlacementMaxSessions',
    4,
    'sessions a week',
    z.number().int().min(0).max(10),
    'Sessions allowed past it',
  ),
  def('reviewIntervalWeeks', 6, 'weeks', positiveInt, 'Review interval where the placement sets none'),
  def(
    'registrationHours',
    18,
    'hours a week',
    hours,
    'Full-time education for registration (more than this)',
  ),
  def(
    'registrationPupils',
    5,
    'pupils',
    positiveInt,
    'Full-time compulsory-age pupils that require registration',
  ),
  def(
    'registrationSenCriterion',
    'ehcp',
    'ehcp | any_sen',
    z.enum(['ehcp', 'any_sen']),
    'Which pupils alone require registration: EHC plan only, or any SEN (Children’s Wellbeing and Schools Act 2026)',
  ),
  def('publicLiabilityMinGbp', 5_000_000, 'pounds', pounds, 'Minimum public liability limit of indemnity'),
  def(
    'employersLiabilityMinGbp',
    10_000_000,
    'pounds',
    pounds,
    'Minimum employer’s liability limit of indemnity',
  ),
  def(
    'professionalIndemnityMinGbp',
    2_500_000,
    'pounds',
    pounds,
    'Minimum professional indemnity, where professional services are given',
  ),
  def('safeguardingTrainingMaxDays', 730, 'days', positiveInt, 'Maximum age of DSL and deputy DSL training'),
  def('monitoringVisitMaxDays', 365, 'days', positiveInt, 'Maximum time since the authority last visited'),
  def(
    'healthSafetyCheckMaxDays',
    365,
    'days',
    positiveInt,
    'Maximum time since a competent health and safety check',
  ),
  def(
    'lateReportingWindowDays',
    28,
    'days',
    positiveInt,
    'Days of sessions checked for late attendance reporting',
  ),
  def('lateReportingOnTimeShare', 0.9, 'share', share, 'Share of records that must be recorded on the day'),
  def('lateReportingMinRecords', 20, 'records', positiveInt, 'Records needed before lateness is judged'),
  def(
    'retentionYears',
    7,
    'years',
    z.number().int().min(1).max(100),
    'Years a pupil is kept after the later of their last placement’s end and their 18th birthday (`pupils retention`)',
  ),
];

export type SettingKey = (typeof SETTING_DEFINITIONS)[number]['key'];
export type SettingValues = Record<string, number | string>;

export const SETTING_KEYS: readonly string[] = SETTING_DEFINITIONS.map((d) => d.key);

export const DEFAULT_SETTINGS: Readonly<SettingValues> = Object.freeze(
  Object.fromEntries(SETTING_DEFINITIONS.map((d) => [d.key, d.default])),
);

/** Overrides as stored: a subset of the keys, each valid; unknown keys are refused. */
export const settingOverridesSchema = z.strictObject(
  Object.fromEntries(SETTING_DEFINITIONS.map((d) => [d.key, d.schema.optional()])),
);

export function settingDefinition(key: string): SettingDefinition | undefined {
  return SETTING_DEFINITIONS.find((d) => d.key === key);
}
