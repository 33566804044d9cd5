import { requireReportAccess } from '../../auth/policy';
import type { Principal } from '../../auth/principal';
import type { Database } from '../../db/database';
import { addDays } from '../../domain/dates';
import { requireDate } from '../../indicators/access';
import { INDICATOR_DEFINITIONS } from '../../indicators/aggregates/indicator-definitions';
import type { Flag } from '../../indicators/flag-definition';
import { computeFlags } from '../../indicators/flags.service';
import { IndicatorError } from '../../indicators/indicator-error';
import {
  computeIndicators,
  computeSeries,
  IndicatorReport,
  SeriesPoint,
} from '../../indicators/indicators.service';
import { FLAG_DEFINITIONS, flagDefinition } from '../../indicators/registry';
import { AuthorityService } from '../../records/authority.service';
import { PlacementService } from '../../records/placement.service';
import { ProviderService } from '../../records/provider.service';
import { PupilService } from '../../records/pupil.service';
import { SchoolService } from '../../records/school.service';
import { chartRange } from '../dashboard.service';
import {
  Block,
  Cell,
  chartTable,
  DEFINITION_SOURCE,
  Figure,
  figure,
  ReportDocument,
  SUPPRESSION_RULE,
  Table,
} from './document';

export interface LaReportQuery {
  asOf: string;
  authority: string;
  /** The date of the previous report, for "what changed"; default four weeks before asOf. */
  since?: string | null;
}

/** Everything the LA monitoring report is made from, read through the services with the caller's scope. */
export interface LaReportData {
  asOf: string;
  since: string;
  authority: { laCode: string; name: string };
  audience: string;
  indicators: IndicatorReport;
  series: SeriesPoint[];
  flags: Flag[];
  previousFlags: Flag[];
  pupils: Map<number, { upn: string; name: string; school: string | null }>;
  placements: Map<number, { placementRef: string; upn: string; providerRef: string }>;
  providers: Map<number, { providerRef: string; name: string }>;
}

/** Reads what the LA monitoring report needs; refused by the services for a caller who may not see it. */
export async function loadLaReport(
  db: Database,
  principal: Principal,
  query: LaReportQuery,
): Promise<LaReportData> {
  requireReportAccess(principal, 'la', {});
  const ds = db.dataSource;
  const since = requireDate(query.since || addDays(requireDate(query.asOf, 'asOf'), -28), 'from');
  if (since >= query.asOf)
    throw new IndicatorError(
      'INVALID_RANGE',
      'the previous report date must be before the as-of date',
      'from',
    );
  const indicators = await computeIndicators(ds, principal, query);
  const flags = await computeFlags(ds, principal, query);
  const previousFlags = await computeFlags(ds, principal, { asOf: since, authority: query.authority });
  const authority = await new AuthorityService(ds).byLaCode(principal, query.authority);
  const series = await computeSeries(ds, principal, {
    ...chartRange(query.asOf),
    authority: query.authority,
  });

  const ids = (type: Flag['subjectType']) => [
    ...new Set([...flags, ...previousFlags].filter((f) => f.subjectType === type).map((f) => f.subjectId)),
  ];
  const placementRows = await new PlacementService(ds).byIds(principal, ids('placement'));
  const pupilRows = await new PupilService(ds).byIds(principal, [
    ...new Set([...ids('pupil'), ...placementRows.map((p) => p.pupilId)]),
  ]);
  const schoolIds = [...new Set(pupilRows.flatMap((p) => (p.schoolId === null ? [] : [p.schoolId])))];
  const schools = new Map(
    (await new SchoolService(ds).byIds(principal, schoolIds)).map((s) => [s.id, s.name]),
  );
  const providerRows = await new ProviderService(ds).byIds(principal, [
    ...new Set([...ids('provider'), ...placementRows.map((p) => p.providerId)]),
  ]);
  const pupils = new Map(
    pupilRows.map((p) => [
      p.id,
      {
        upn: p.upn,
        name: `${p.firstName} ${p.lastName}`,
        school: p.schoolId === null ? null : (schools.get(p.schoolId) ?? null),
      },
    ]),
  );
  const providers = new Map(providerRows.map((p) => [p.id, { providerRef: p.providerRef, name: p.name }]));
  const placements = new Map(
    placementRows.map((p) => [
      p.id,
      {
        placementRef: p.placementRef,
        upn: pupils.get(p.pupilId)?.upn ?? '',
        providerRef: providers.get(p.providerId)?.providerRef ?? '',
      },
    ]),
  );
  return {
    asOf: query.asOf,
    since,
    authority: { laCode: query.authority, name: authority?.name ?? query.authority },
    audience: principal.role,
    indicators,
    series,
    flags,
    previousFlags,
    pupils,
    placements,
    providers,
  };
}

const title = (code: string) => flagDefinition(code)?.title ?? code;
const flagKey = (f: Flag) => `${f.code} ${f.subjectType} ${f.subjectKey}`;

/** Provider flags that mean a visit or a registration check, first in their table. */
const VISIT_OR_REGISTRATION = [
  'UNREGISTERED_SCHOOL_RISK',
  'MONITORING_VISIT_OVERDUE',
  'HEALTH_SAFETY_CHECK_OVERDUE',
];

/** The LA monitoring report as a document: a pure function of what loadLaReport read. */
export function buildLaReport(d: LaReportData): ReportDocument {
  const { indicators: ind } = d;
  const headline: Block = {
    kind: 'figures',
    items: INDICATOR_DEFINITIONS.filter((def) => ind.headline[def.key]).map((def) => ({
      label: def.title,
      figure: figure(ind.headline[def.key], unitOf(def.unit)),
    })),
  };

  const pupilFlags = d.flags.filter((f) => f.subjectType === 'pupil');
  const byPupil = new Map<number, Flag[]>();
  for (const f of pupilFlags) byPupil.set(f.subjectId, [...(byPupil.get(f.subjectId) ?? []), f]);
  const children: Table = {
    name: 'Children',
    caption: 'Children out of usual education or at risk, and why (most flags first)',
    columns: [
      { header: 'Pupil' },
      { header: 'UPN' },
      { header: 'School on roll' },
      { header: 'Flags and reasons' },
    ],
    rows: [...byPupil.entries()]
      .map(([id, flags]) => ({ p: d.pupils.get(id), flags }))
      .sort((a, b) => b.flags.length - a.flags.length || (a.p?.name ?? '').localeCompare(b.p?.name ?? ''))
      .map(({ p, flags }) => [
        p?.name ?? '',
        p?.upn ?? flags[0].subjectKey,
        p?.school ?? 'none',
        flags.map((f) => `${title(f.code)}: ${f.reason}`).join('\n'),
      ]),
    empty: 'No child is flagged at this date.',
  };

  const placements: Table = {
    name: 'Placements in breach',
    caption: 'Placements in breach of the rules for off-site and part-time provision',
    columns: [
      { header: 'Placement' },
      { header: 'UPN' },
      { header: 'Provider' },
      { header: 'Flag' },
      { header: 'Reason' },
    ],
    rows: d.flags
      .filter((f) => f.subjectType === 'placement')
      .map((f) => {
        const pl = d.placements.get(f.subjectId);
        return [f.subjectKey, pl?.upn ?? '', pl?.providerRef ?? '', title(f.code), f.reason];
      }),
    empty: 'No placement is in breach at this date.',
  };

  const providerFlags = d.flags
    .filter((f) => f.subjectType === 'provider')
    .sort((a, b) => rank(a.code) - rank(b.code) || a.subjectKey.localeCompare(b.subjectKey));
  const providers: Table = {
    name: 'Providers to check',
    caption: 'Providers to visit, to check for registration, or to chase for evidence',
    columns: [{ header: 'Provider' }, { header: 'Name' }, { header: 'Flag' }, { header: 'Reason' }],
    rows: providerFlags.map((f) => [
      f.subjectKey,
      d.providers.get(f.subjectId)?.name ?? '',
      title(f.code),
      f.reason,
    ]),
    empty: 'No provider needs a visit or a check at this date.',
  };

  const trends = trendBlocks(d.series, d.authority.name);

  const before = new Map(d.previousFlags.map((f) => [flagKey(f), f]));
  const now = new Map(d.flags.map((f) => [flagKey(f), f]));
  const subject = (f: Flag) =>
    f.subjectType === 'pupil'
      ? `${d.pupils.get(f.subjectId)?.name ?? ''} (${f.subjectKey})`
      : `${f.subjectType} ${f.subjectKey}`;
  const changes: Table = {
    name: 'Changes',
    caption: `Flags raised or cleared since ${d.since}`,
    columns: [{ header: 'Change' }, { header: 'Flag' }, { header: 'Subject' }, { header: 'Reason' }],
    rows: [
      ...d.flags
        .filter((f) => !before.has(flagKey(f)))
        .map((f): Cell[] => ['raised', title(f.code), subject(f), f.reason]),
      ...d.previousFlags
        .filter((f) => !now.has(flagKey(f)))
        .map((f): Cell[] => ['cleared', title(f.code), subject(f), `was: ${f.reason}`]),
    ],
    empty: `No flag was raised or cleared since ${d.since}.`,
  };

  const counts: Table = {
    name: 'Flag counts',
    caption: 'Every flag raised at the date',
    columns: [{ header: 'Flag' }, { header: 'About' }, { header: 'Count', numeric: true }],
    rows: ind.flagCounts.map((c) => [
      title(c.code),
      flagDefinition(c.code)?.subjectType ?? '',
      figure(c.count, 'count'),
    ]),
    empty: 'No flags.',
  };
  const breakdowns: Table = {
    name: 'Breakdowns',
    caption:
      'Pupils in AP and active placements by type, reason, key stage, SEN, looked after and free school meals',
    columns: [
      { header: 'By' },
      { header: 'Value' },
      { header: 'Pupils', numeric: true },
      { header: 'Placements', numeric: true },
    ],
    rows: ind.breakdowns.map((b) => [
      DIMENSIONS[b.dimension] ?? b.dimension,
      words(b.value),
      figure(b.pupils, 'count'),
      figure(b.placements, 'count'),
    ]),
    empty: 'No active placements.',
  };

  return {
    kind: 'la',
    names: {
      pupils: [...d.pupils.values()].map((p) => p.upn),
      placements: [...d.placements.values()].map((p) => p.placementRef),
    },
    title: `Alternative provision monitoring report: ${d.authority.name}`,
    subtitle: `Authority ${d.authority.laCode}, as of ${d.asOf}; changes since ${d.since}`,
    asOf: d.asOf,
    period: null,
    audience: d.audience,
    sections: [
      { title: 'Summary', blocks: [headline, { kind: 'table', table: counts }] },
      {
        title: 'Children out of usual education',
        blocks: [
          {
            kind: 'paragraph',
            text: `${byPupil.size} children have at least one pupil flag at ${d.asOf}. Each reason gives the numbers behind the flag.`,
          },
          { kind: 'table', table: children },
        ],
      },
      { title: 'Placements in breach', blocks: [{ kind: 'table', table: placements }] },
      {
        title: 'Providers to visit or to check for registration',
        blocks: [{ kind: 'table', table: providers }],
      },
      { title: "The year's trends", blocks: trends },
      { title: 'What changed since the previous report', blocks: [{ kind: 'table', table: changes }] },
      { title: 'Who is in AP', blocks: [{ kind: 'table', table: breakdowns }] },
    ],
    definitions: [
      ...INDICATOR_DEFINITIONS.map((def) => ({ term: def.title, text: def.description })),
      ...FLAG_DEFINITIONS.map((def) => ({ term: def.title, text: def.description })),
      { term: 'Source', text: DEFINITION_SOURCE },
    ],
    suppressionNotes: [
      'This report names children: it is for officers of the authority and must not be passed on.',
      `Figures are not suppressed in it. Where it is read by someone who may see aggregates only: ${SUPPRESSION_RULE}`,
    ],
  };
}

/** The year's weekly trends as two charts (attendance; pupils in AP and missing full-time education). */
export function trendBlocks(series: SeriesPoint[], scope: string): Block[] {
  const labels = series.map((p) => p.date);
  const share = (key: string) =>
    series.map((p) => (p.headline[key] ? figure(p.headline[key], 'share') : null));
  const count = (code: string) =>
    series.map((p) => {
      const c = p.flagCounts.find((x) => x.code === code);
      return c ? figure(c.count, 'count') : null;
    });
  const pupilsInAp = series.map((p) =>
    p.headline.pupilsInAp ? figure(p.headline.pupilsInAp, 'count') : null,
  );
  const attendanceSeries = [
    { label: 'Attendance rate', values: share('attendanceRate') },
    { label: 'Persistent absence rate', values: share('persistentAbsenceRate') },
  ];
  const countSeries = [
    { label: 'Pupils in AP', values: pupilsInAp },
    { label: title('NOT_ON_ROLL'), values: count('NOT_ON_ROLL') },
    { label: title('REDUCED_EDUCATION'), values: count('REDUCED_EDUCATION') },
    { label: title('PART_TIME_TOO_LONG'), values: count('PART_TIME_TOO_LONG') },
  ];
  const range = labels.length ? `${labels[0]} to ${labels[labels.length - 1]}` : 'no weeks';
  return [
    {
      kind: 'chart',
      chart: {
        type: 'line',
        title: 'Attendance and persistent absence, week by week',
        xLabel: 'Week (as of date)',
        yLabel: 'Share of pupils or sessions',
        percent: true,
        labels,
        series: attendanceSeries.map((s) => ({ label: s.label, values: s.values.map(plotted) })),
        alt: `Line chart of the weekly attendance rate and persistent absence rate of pupils in AP in ${scope}, ${range}. ${describeLast(attendanceSeries)}`,
        table: chartTable(
          'Attendance by week',
          'Attendance by week (numbers of the chart)',
          'Week',
          labels,
          attendanceSeries,
        ),
      },
    },
    {
      kind: 'chart',
      chart: {
        type: 'line',
        title: 'Pupils in AP and children missing full-time education, week by week',
        xLabel: 'Week (as of date)',
        yLabel: 'Pupils',
        percent: false,
        labels,
        series: countSeries.map((s) => ({ label: s.label, values: s.values.map(plotted) })),
        alt: `Line chart of the weekly number of pupils in AP and of pupils flagged not on roll, on reduced education or part time too long in ${scope}, ${range}. ${describeLast(countSeries)}`,
        table: chartTable(
          'Pupils by week',
          'Pupils by week (numbers of the chart)',
          'Week',
          labels,
          countSeries,
        ),
      },
    },
  ];
}

function rank(code: string): number {
  const i = VISIT_OR_REGISTRATION.indexOf(code);
  return i === -1 ? VISIT_OR_REGISTRATION.length : i;
}

function plotted(f: Figure | null): number | null {
  return f && !f.suppressed ? f.value : null;
}

function describeLast(series: { label: string; values: (Figure | null)[] }[]): string {
  const last = series
    .map((s) => {
      const v = s.values[s.values.length - 1];
      if (!v) return null;
      const text = v.suppressed
        ? 'suppressed'
        : v.value === null
          ? 'no figure'
          : v.unit === 'share'
            ? `${(v.value * 100).toFixed(1)}%`
            : String(v.value);
      return `${s.label} ${text}`;
    })
    .filter(Boolean);
  return last.length ? `Latest week: ${last.join(', ')}.` : '';
}

export function unitOf(unit: string): Figure['unit'] {
  return unit === 'share' ? 'share' : unit === 'days' ? 'days' : 'count';
}

export const DIMENSIONS: Record<string, string> = {
  type: 'Placement type',
  reason: 'Reason for placement',
  keyStage: 'Key stage',
  sen: 'SEN',
  lookedAfter: 'Looked after',
  fsm: 'Free school meals',
};

/** An enum value as a reader reads it: sen_support → SEN support, true → yes. */
export function words(value: string): string {
  const special: Record<string, string> = {
    true: 'yes',
    false: 'no',
    sen_support: 'SEN support',
    ehcp: 'EHC plan',
    semh: 'SEMH',
    neet: 'NEET',
    not_given: 'not given',
  };
  if (special[value]) return special[value];
  const text = value.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
