import { requireReportAccess } from '../../auth/policy';
import type { Principal } from '../../auth/principal';
import type { Database } from '../../db/database';
import { academicYearStart } from '../../domain/dates';
import {
  computePeriodIndicators,
  PeriodFigures,
  PeriodReport,
} from '../../indicators/period-indicators.service';
import { AuthorityService } from '../../records/authority.service';
import { notFound } from '../../records/record-errors';
import { SchoolService } from '../../records/school.service';
import {
  chartTable,
  DEFINITION_SOURCE,
  Figure,
  figure,
  NO_NAMES,
  ReportDocument,
  SUPPRESSION_RULE,
  Table,
} from './document';
import { words } from './la-monitoring.document';

export interface GovernorReportQuery {
  asOf: string;
  schoolUrn: string;
  /** The period (a term or the academic year); default 1 September of asOf's academic year to asOf. */
  from?: string | null;
  to?: string | null;
}

export interface GovernorReportData {
  school: { urn: string; name: string; laCode: string; authorityName: string };
  audience: string;
  figures: PeriodFigures;
  months: PeriodReport['months'] extends Map<number, infer M> ? M : never;
  asOf: string;
  from: string;
  to: string;
}

/**
 * Reads a school's period figures. The document goes to governors, so disclosure control applies to it
 * whoever makes it: the services are asked as the caller with aggregates only, never with more rights.
 */
export async function loadGovernorReport(
  db: Database,
  principal: Principal,
  query: GovernorReportQuery,
): Promise<GovernorReportData> {
  requireReportAccess(principal, 'governor', { schoolUrn: query.schoolUrn });
  const ds = db.dataSource;
  const school = await new SchoolService(ds).byUrn(principal, query.schoolUrn);
  if (!school) throw notFound('school', query.schoolUrn, 'school');
  const [authority] = await new AuthorityService(ds).byIds(principal, [school.authorityId]);
  const from = query.from || `${academicYearStart(query.asOf)}-09-01`;
  const to = query.to || query.asOf;
  const report = await computePeriodIndicators(
    ds,
    { ...principal, aggregatesOnly: true },
    { asOf: query.asOf, from, to, authority: authority.laCode, schoolUrn: school.urn },
  );
  return {
    school: { urn: school.urn, name: school.name, laCode: authority.laCode, authorityName: authority.name },
    audience: principal.role,
    figures: report.groups[0],
    months: report.months.get(0) ?? [],
    asOf: report.asOf,
    from: report.from,
    to: report.to,
  };
}

/** The governor report: aggregates of one school's placements over a period, small numbers suppressed. */
export function buildGovernorReport(d: GovernorReportData): ReportDocument {
  const f = d.figures;
  const c = (label: string, m: Figure) => ({ label, figure: m });
  const byType: Table = {
    name: 'Placements',
    caption: 'Placements active at some time in the period, by type',
    columns: [{ header: 'Type' }, { header: 'Placements', numeric: true }],
    rows: [
      ...f.placementsByType.map((t) => [words(t.type), figure(t.placements, 'count')]),
      ['All placements', figure(f.placements, 'count')],
    ],
    empty: 'No placements.',
  };
  const outcomes: Table = {
    name: 'Outcomes',
    caption: 'Attendance, targets and reintegration in the period',
    columns: [{ header: 'Measure' }, { header: 'Value', numeric: true }],
    rows: [
      ['Attendance rate', figure(f.attendanceRate, 'share')],
      ['Persistent absence rate', figure(f.persistentAbsenceRate, 'share')],
      ['Attendance targets met', figure(f.attendanceTargetsMetShare, 'share')],
      ['All targets met', figure(f.targetsMetShare, 'share')],
      ['Placements ended in the period', figure(f.placementsEnded, 'count')],
      ['Ended placements: pupil reintegrated', figure(f.reintegrationShare, 'share')],
      ['Ended placements: reintegrated or progressed', figure(f.reintegrationOrProgressionShare, 'share')],
    ],
    empty: 'No figures.',
  };
  const destinations: Table = {
    name: 'Destinations',
    caption: `Year 11 leavers at ${d.asOf} who had a placement in Year 11: latest destination`,
    columns: [
      { header: 'Destination' },
      { header: 'Pupils', numeric: true },
      { header: 'Share', numeric: true },
    ],
    rows: [
      ...f.destinations.map((x) => [words(x.activity), figure(x.pupils, 'count'), figure(x.share, 'share')]),
      ['All leavers', figure(f.year11Leavers, 'count'), null],
    ],
    empty: 'No leavers.',
  };
  const cost: Table = {
    name: 'Cost',
    caption: 'What the placements cost in the period',
    columns: [{ header: 'Measure' }, { header: 'Value', numeric: true }],
    rows: [
      ['Cost of the placements in the period', figure(f.costPence, 'pence')],
      ['Cost per pupil-week', figure(f.costPerPupilWeekPence, 'pence')],
    ],
    empty: 'No costs.',
  };
  const labels = d.months.map((m) => m.month);
  const monthSeries = [
    { label: 'Attendance rate', values: d.months.map((m) => figure(m.attendanceRate, 'share')) },
  ];
  const shown = d.months.filter(
    (m) => !m.attendanceRate.suppressed && m.attendanceRate.value !== null,
  ).length;
  return {
    kind: 'governor',
    names: NO_NAMES,
    title: `How alternative provision is working for ${d.school.name}`,
    subtitle: `Governors' report, ${d.from} to ${d.to} (as known on ${d.asOf}); school URN ${d.school.urn}, ${d.school.authorityName}`,
    asOf: d.asOf,
    period: { from: d.from, to: d.to },
    audience: d.audience,
    sections: [
      {
        title: 'Summary',
        blocks: [
          {
            kind: 'figures',
            items: [
              c('Pupils placed', figure(f.pupils, 'count')),
              c('Placements', figure(f.placements, 'count')),
              c('Attendance rate', figure(f.attendanceRate, 'share')),
              c('Targets met', figure(f.targetsMetShare, 'share')),
              c('Reintegrated or progressed', figure(f.reintegrationOrProgressionShare, 'share')),
              c('Positive destinations', figure(f.positiveDestinationRate, 'share')),
              c('Cost in the period', figure(f.costPence, 'pence')),
            ],
          },
          {
            kind: 'paragraph',
            text: 'This report gives totals only. It names no pupil, and numbers small enough to point to a pupil are suppressed.',
          },
        ],
      },
      { title: 'Placements', blocks: [{ kind: 'table', table: byType }] },
      {
        title: 'Attendance',
        blocks: [
          {
            kind: 'chart',
            chart: {
              type: 'bar',
              title: 'Attendance rate month by month',
              xLabel: 'Month',
              yLabel: 'Sessions attended',
              percent: true,
              labels,
              series: monthSeries.map((s) => ({
                label: s.label,
                values: s.values.map((v) => (v.suppressed ? null : v.value)),
              })),
              alt: `Bar chart of the share of possible sessions attended by the school's pupils in AP, month by month from ${d.from} to ${d.to}; ${shown} of ${labels.length} months shown, the others suppressed or without sessions.`,
              table: chartTable(
                'Attendance by month',
                'Attendance by month (numbers of the chart)',
                'Month',
                labels,
                monthSeries,
              ),
            },
          },
          { kind: 'table', table: outcomes },
        ],
      },
      { title: 'Year 11 destinations', blocks: [{ kind: 'table', table: destinations }] },
      { title: 'Cost', blocks: [{ kind: 'table', table: cost }] },
    ],
    definitions: [
      {
        term: "The school's placements",
        text: 'Placements the school commissioned, or whose pupil is on the school roll, active at some time in the period.',
      },
      {
        term: 'Attendance rate',
        text: 'Attended over possible sessions in the period, over pupils with at least 10 possible sessions in it (month by month: over every pupil with a possible session that month).',
      },
      { term: 'Persistent absence rate', text: 'Share of those pupils who missed 10% of sessions or more.' },
      {
        term: 'Targets met',
        text: "Share of the placements' targets recorded as met (attendance targets: those of kind attendance).",
      },
      {
        term: 'Reintegrated or progressed',
        text: 'Share of the placements that ended in the period whose end reason is reintegrated or progressed.',
      },
      {
        term: 'Year 11 leavers',
        text: 'Pupils in Year 12 at the date who had one of these placements in Year 11, by their latest destination recorded by the date (none recorded counts as not known). Positive: education, apprenticeship, employment with training, training.',
      },
      {
        term: 'Cost',
        text: "Each placement's weekly cost times the weeks it was active in the period; per pupil-week: over the weeks of costed placements.",
      },
      { term: 'Source', text: DEFINITION_SOURCE },
    ],
    suppressionNotes: [
      SUPPRESSION_RULE,
      'A suppressed figure is not zero: it hides a number from 1 to 4, or a rate over fewer than 5 pupils, placements, targets or records.',
      'Totals are shown as they are; where only one part of a total is suppressed it may be worked out, so do not publish this report beyond the governing body.',
    ],
  };
}
