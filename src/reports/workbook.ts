import ExcelJS from 'exceljs';
import { flagSubject, recordAudit } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/database';
import { londonToday } from '../domain/dates';
import { INDICATOR_DEFINITIONS } from '../indicators/aggregates/indicator-definitions';
import type { Measure } from '../indicators/disclosure';
import { computeFlags } from '../indicators/flags.service';
import { computeIndicators } from '../indicators/indicators.service';
import { FLAG_DEFINITIONS } from '../indicators/registry';
import { renderLineChart } from './chart';
import { attendanceSeries, DashboardQuery } from './dashboard.service';
import { safeCell } from './safe-cell';

/** A cell's value: the number, or the word "suppressed" so that it cannot be read as a zero. */
function cell(m: Measure): number | string | null {
  return m.suppressed ? 'suppressed' : m.value;
}

function sheet(
  book: ExcelJS.Workbook,
  name: string,
  columns: { header: string; key: string; width?: number }[],
) {
  const ws = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ width: 18, ...c }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

/**
 * The indicators of one authority (or all the caller may see) at a date as a workbook a governor or
 * officer can open: headline figures, flag counts, breakdowns, providers, the weekly attendance chart,
 * and (for callers who may see rows) every flag with its reason. Headers come from the registries.
 * `deliver` writes it where it goes; the export is audited once that has succeeded, so the trail never
 * holds an export that did not happen.
 */
export async function buildReportWorkbook(
  db: Database,
  principal: Principal,
  query: DashboardQuery,
  deliver: (book: ExcelJS.Workbook) => Promise<void> = async () => undefined,
): Promise<ExcelJS.Workbook> {
  const asOf = query.asOf || londonToday();
  const authority = query.authority || null;
  const report = await computeIndicators(db.dataSource, principal, { asOf, authority });
  const book = new ExcelJS.Workbook();
  book.creator = 'alp-hub';

  const summary = sheet(book, 'Summary', [
    { header: 'Indicator', key: 'title', width: 36 },
    { header: 'Value', key: 'value' },
    { header: 'Out of', key: 'denominator' },
    { header: 'Unit', key: 'unit' },
    { header: 'Definition', key: 'description', width: 90 },
  ]);
  summary.addRow({ title: 'Authority', value: authority ?? 'all', description: `as of ${asOf}` });
  for (const d of INDICATOR_DEFINITIONS) {
    const m = report.headline[d.key];
    if (!m) continue;
    summary.addRow({ ...d, value: cell(m), denominator: m.denominator });
  }

  const flags = sheet(book, 'Flag counts', [
    { header: 'Code', key: 'code', width: 30 },
    { header: 'Flag', key: 'title', width: 34 },
    { header: 'Subject', key: 'subjectType' },
    { header: 'Count', key: 'count' },
    { header: 'Raised when', key: 'description', width: 90 },
  ]);
  for (const c of report.flagCounts) {
    const d = FLAG_DEFINITIONS.find((f) => f.code === c.code);
    flags.addRow({ ...d, code: c.code, count: cell(c.count) });
  }

  const breakdowns = sheet(book, 'Breakdowns', [
    { header: 'Dimension', key: 'dimension' },
    { header: 'Value', key: 'value', width: 24 },
    { header: 'Pupils', key: 'pupils' },
    { header: 'Placements', key: 'placements' },
  ]);
  for (const b of report.breakdowns) {
    breakdowns.addRow({ ...b, pupils: cell(b.pupils), placements: cell(b.placements) });
  }
  const destinations = sheet(book, 'Destinations', [
    { header: 'Activity', key: 'activity', width: 30 },
    { header: 'Pupils', key: 'pupils' },
    { header: 'Share', key: 'share' },
  ]);
  for (const d of report.destinations) {
    destinations.addRow({ activity: d.activity, pupils: cell(d.pupils), share: cell(d.share) });
  }

  const providers = sheet(book, 'Providers', [
    { header: 'Provider', key: 'providerRef' },
    { header: 'Name', key: 'name', width: 30 },
    { header: 'Pupils', key: 'pupils' },
    { header: 'Placements', key: 'placements' },
    { header: 'Attendance rate', key: 'attendanceRate' },
    { header: 'Targets met', key: 'targetsMetShare' },
    { header: 'Reintegrated or progressed', key: 'reintegrationOrProgressionShare' },
    { header: 'Positive destinations', key: 'destinationRate' },
    { header: 'Compliance flags', key: 'complianceFlags' },
    { header: 'Cost per pupil-week (£)', key: 'costPerPupilWeekGbp' },
  ]);
  for (const p of report.providers) {
    const { providerRef, name, ...measures } = p;
    providers.addRow({
      providerRef,
      name,
      ...Object.fromEntries(Object.entries(measures).map(([k, m]) => [k, cell(m)])),
    });
  }

  const series = await attendanceSeries(db, principal, { asOf, authority });
  const chart = book.addWorksheet('Attendance chart');
  const image = book.addImage({
    base64: renderLineChart({
      title: 'Attendance and persistent absence, week by week',
      labels: series.labels,
      series: [
        { label: 'Attendance rate', data: series.attendanceRate },
        { label: 'Persistent absence rate', data: series.persistentAbsenceRate },
      ],
      percent: true,
    }).toString('base64'),
    extension: 'png',
  });
  chart.addImage(image, { tl: { col: 0, row: 0 }, ext: { width: 900, height: 360 } });

  let named: string[] | null = null;
  if (!principal.aggregatesOnly) {
    const list = sheet(book, 'Flags', [
      { header: 'Code', key: 'code', width: 30 },
      { header: 'Subject', key: 'subjectType' },
      { header: 'Key', key: 'subjectKey' },
      { header: 'Authorities', key: 'authorities' },
      { header: 'Reason', key: 'reason', width: 100 },
    ]);
    const flags = await computeFlags(db.dataSource, principal, { asOf, authority });
    for (const f of flags) {
      list.addRow({
        ...f,
        subjectKey: safeCell(f.subjectKey),
        reason: safeCell(f.reason),
        authorities: f.authorities.join(' '),
      });
    }
    named = flags.flatMap((f) => flagSubject(f) ?? []);
  }
  await deliver(book);
  if (named)
    await recordAudit(db.dataSource, principal, {
      action: 'export',
      operation: 'report workbook',
      subjectKind: 'flag',
      subjects: named,
      detail: { asOf, authority },
    });
  return book;
}
