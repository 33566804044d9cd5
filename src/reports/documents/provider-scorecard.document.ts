import { requireReportAccess } from '../../auth/policy';
import type { Principal } from '../../auth/principal';
import type { Database } from '../../db/database';
import { academicYearStart, daysBetween } from '../../domain/dates';
import type { Measure } from '../../indicators/disclosure';
import type { Flag } from '../../indicators/flag-definition';
import { computeFlags } from '../../indicators/flags.service';
import { computePeriodIndicators, PeriodFigures } from '../../indicators/period-indicators.service';
import { flagDefinition } from '../../indicators/registry';
import { ProviderService } from '../../records/provider.service';
import { notFound } from '../../records/record-errors';
import {
  Cell,
  DEFINITION_SOURCE,
  FigureUnit,
  figure,
  NO_NAMES,
  ReportDocument,
  SUPPRESSION_RULE,
  Table,
} from './document';
import { words } from './la-monitoring.document';

export interface ProviderScorecardQuery {
  asOf: string;
  providerRef: string;
  /** Compare with the framework providers of this authority; default every authority the caller sees. */
  authority?: string | null;
  from?: string | null;
  to?: string | null;
}

export interface ProviderScorecardData {
  asOf: string;
  from: string;
  to: string;
  authority: string | null;
  audience: string;
  /** The caller may see aggregates only: figures carry disclosure control. */
  disclosureControl: boolean;
  provider: { providerRef: string; name: string; onFramework: boolean; registered: boolean };
  /** Null when the provider had no placement in scope in the period. */
  figures: PeriodFigures | null;
  /** The period figures of every framework provider in scope, for the medians. */
  framework: PeriodFigures[];
  evidence: { item: string; status: string; evidenceDate: string | null; expiresOn: string | null }[];
  visits: { visitDate: string; visitor: string; judgement: string | null }[];
  /** The provider's compliance flags at asOf, null for a caller who may see aggregates only. */
  flags: Flag[] | null;
}

export async function loadProviderScorecard(
  db: Database,
  principal: Principal,
  query: ProviderScorecardQuery,
): Promise<ProviderScorecardData> {
  requireReportAccess(principal, 'provider', { providerRef: query.providerRef });
  const ds = db.dataSource;
  const service = new ProviderService(ds);
  const provider = await service.byRef(principal, query.providerRef);
  if (!provider) throw notFound('provider', query.providerRef, 'provider');
  const from = query.from || `${academicYearStart(query.asOf)}-09-01`;
  const to = query.to || query.asOf;
  // a school reads its own pupils' rows, not the other schools' whose pupils the provider's figures
  // count: it gets them with small numbers suppressed, as a governor does
  const asker = principal.role === 'school' ? { ...principal, aggregatesOnly: true } : principal;
  const report = await computePeriodIndicators(ds, asker, {
    asOf: query.asOf,
    from,
    to,
    authority: query.authority,
    byProvider: true,
  });
  const evidence = await service.evidenceOf(principal, [provider.id]);
  const visits = await service.visitsTo(principal, [provider.id]);
  // Flags with their reasons are rows; a caller who may see aggregates only gets the evidence instead.
  const flags = asker.aggregatesOnly
    ? null
    : (
        await computeFlags(ds, principal, {
          asOf: query.asOf,
          authority: query.authority,
          subjectType: 'provider',
        })
      ).filter((f) => f.subjectKey === provider.providerRef);
  return {
    asOf: report.asOf,
    from: report.from,
    to: report.to,
    authority: query.authority ?? null,
    audience: principal.role,
    disclosureControl: asker.aggregatesOnly,
    provider: {
      providerRef: provider.providerRef,
      name: provider.name,
      onFramework: provider.onFramework,
      registered: provider.registered,
    },
    figures: report.groups.find((g) => g.provider?.id === provider.id) ?? null,
    framework: report.groups.filter((g) => g.provider?.onFramework),
    evidence: evidence.map((e) => ({
      item: e.item,
      status: e.status,
      evidenceDate: e.evidenceDate,
      expiresOn: e.expiresOn,
    })),
    visits: visits
      .filter((v) => v.visitDate <= report.asOf)
      .map((v) => ({ visitDate: v.visitDate, visitor: v.visitor, judgement: v.judgement ?? null })),
    flags,
  };
}

/** The median of the published values (suppressed and empty ones left out); null when there are none. */
export function median(values: (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

type MeasureKey = Exclude<keyof PeriodFigures, 'provider' | 'placementsByType' | 'destinations'>;

const MEASURES: { key: MeasureKey; label: string; unit: FigureUnit }[] = [
  { key: 'pupils', label: 'Pupils', unit: 'count' },
  { key: 'placements', label: 'Placements', unit: 'count' },
  { key: 'attendanceRate', label: 'Attendance rate', unit: 'share' },
  { key: 'persistentAbsenceRate', label: 'Persistent absence rate', unit: 'share' },
  { key: 'targetsMetShare', label: 'Targets met', unit: 'share' },
  {
    key: 'reintegrationOrProgressionShare',
    label: 'Ended placements: reintegrated or progressed',
    unit: 'share',
  },
  { key: 'year11Leavers', label: 'Year 11 leavers', unit: 'count' },
  { key: 'positiveDestinationRate', label: 'Positive destinations of Year 11 leavers', unit: 'share' },
  { key: 'onTimeReportingShare', label: 'Attendance reported on the day', unit: 'share' },
  { key: 'costPerPupilWeekPence', label: 'Cost per pupil-week', unit: 'pence' },
];

/** The provider scorecard: each measure of the provider beside the median of the framework providers. */
export function buildProviderScorecard(d: ProviderScorecardData): ReportDocument {
  const none: Measure = { value: null, denominator: null, suppressed: false };
  const scorecard: Table = {
    name: 'Scorecard',
    caption: `${d.provider.name} beside the median of ${d.framework.length} framework providers, ${d.from} to ${d.to}`,
    columns: [
      { header: 'Measure' },
      { header: 'This provider', numeric: true },
      { header: 'Out of', numeric: true },
      { header: 'Framework median', numeric: true },
    ],
    rows: MEASURES.map((m): Cell[] => {
      const own = (d.figures?.[m.key] as Measure | undefined) ?? none;
      const med = median(d.framework.map((g) => (g[m.key] as Measure).value));
      return [
        m.label,
        figure(own, m.unit),
        own.denominator,
        { kind: 'figure', value: med, suppressed: false, unit: m.unit },
      ];
    }),
    empty: 'No figures.',
  };
  const today = d.asOf;
  const evidence: Table = {
    name: 'Evidence',
    caption: `Compliance evidence held at ${d.asOf}`,
    columns: [
      { header: 'Item' },
      { header: 'Status' },
      { header: 'Dated' },
      { header: 'Expires' },
      { header: 'Gap' },
    ],
    rows: d.evidence.map((e) => [
      words(e.item),
      words(e.status),
      e.evidenceDate,
      e.expiresOn,
      e.status === 'missing'
        ? 'missing'
        : e.expiresOn && daysBetween(today, e.expiresOn) < 0
          ? `expired ${e.expiresOn}`
          : '',
    ]),
    empty: 'No evidence recorded.',
  };
  const gaps: Table = {
    name: 'Compliance flags',
    caption: `Compliance flags raised at ${d.asOf}, with the reasons`,
    columns: [{ header: 'Flag' }, { header: 'Reason' }],
    rows: (d.flags ?? []).map((f) => [flagDefinition(f.code)?.title ?? f.code, f.reason]),
    empty: d.flags
      ? 'No compliance flag is raised.'
      : 'Flag reasons are not shown to readers who see aggregates only.',
  };
  const visits: Table = {
    name: 'Visits',
    caption: 'Monitoring and quality-assurance visits',
    columns: [{ header: 'Date' }, { header: 'By' }, { header: 'Judgement' }],
    rows: d.visits.map((v) => [
      v.visitDate,
      v.visitor === 'la' ? 'Local authority' : 'School',
      v.judgement ? words(v.judgement) : '',
    ]),
    empty: 'No visit recorded.',
  };
  const f = d.figures;
  const destinations: Table = {
    name: 'Destinations',
    caption: 'Year 11 leavers who had a placement here in Year 11: latest destination',
    columns: [
      { header: 'Destination' },
      { header: 'Pupils', numeric: true },
      { header: 'Share', numeric: true },
    ],
    rows: (f?.destinations ?? []).map((x) => [
      words(x.activity),
      figure(x.pupils, 'count'),
      figure(x.share, 'share'),
    ]),
    empty: 'No Year 11 leavers had a placement here.',
  };
  const status = [
    d.provider.onFramework ? 'on the framework' : 'not on the framework',
    d.provider.registered ? 'registered' : 'not registered',
  ].join(', ');
  return {
    kind: 'provider',
    names: NO_NAMES,
    title: `Provider scorecard: ${d.provider.name}`,
    subtitle: `${d.provider.providerRef} (${status}); ${d.from} to ${d.to}, as known on ${d.asOf}${d.authority ? `; placements of authority ${d.authority}` : ''}`,
    asOf: d.asOf,
    period: { from: d.from, to: d.to },
    audience: d.audience,
    sections: [
      {
        title: 'Scorecard',
        blocks: [
          ...(f
            ? []
            : [
                { kind: 'paragraph' as const, text: 'The provider had no placement in scope in the period.' },
              ]),
          { kind: 'table', table: scorecard },
        ],
      },
      { title: 'Destinations', blocks: [{ kind: 'table', table: destinations }] },
      {
        title: 'Compliance evidence and its gaps',
        blocks: [
          { kind: 'table', table: evidence },
          { kind: 'table', table: gaps },
        ],
      },
      { title: 'Visits', blocks: [{ kind: 'table', table: visits }] },
    ],
    definitions: [
      {
        term: 'Framework median',
        text: "The median of the published figures of the providers on the authority's framework with a placement in scope in the period (suppressed or empty figures left out).",
      },
      { term: 'Out of', text: 'The pupils, targets, placements or records the figure is over.' },
      {
        term: 'Attendance rate',
        text: 'Attended over possible sessions at this provider in the period, over pupils with at least 10 possible sessions here.',
      },
      {
        term: 'Targets met',
        text: "Share of the targets of the provider's placements in the period recorded as met.",
      },
      {
        term: 'Attendance reported on the day',
        text: 'Share of the attendance records of the period first received on the day of the session.',
      },
      {
        term: 'Cost per pupil-week',
        text: 'Weekly cost times weeks active in the period, over the weeks of costed placements.',
      },
      {
        term: 'Gap',
        text: 'Evidence recorded as missing, or expired before the date. The compliance flags give the full rules.',
      },
      { term: 'Source', text: DEFINITION_SOURCE },
    ],
    suppressionNotes: [
      d.disclosureControl
        ? `Disclosure control applies: ${SUPPRESSION_RULE}`
        : `Figures are not suppressed for this reader. For readers who see aggregates only: ${SUPPRESSION_RULE}`,
      'The framework median is taken over published figures only.',
    ],
  };
}
