import { recordAudits } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/database';
import { badInput } from '../records/record-errors';
import { buildReport, ReportRequest } from './documents';
import { CONTENT_TYPES, isReportFormat, REPORT_FORMATS, renderReport } from './render';

export interface RenderedReport {
  data: Buffer;
  contentType: string;
  fileName: string;
}

/** One report for the caller in one format: what the CLI, the mutation and the dashboard links share. */
export async function generateReport(
  db: Database,
  principal: Principal,
  req: ReportRequest & { format: string; table?: string | null },
): Promise<RenderedReport> {
  if (!isReportFormat(req.format))
    throw badInput(`unknown format ${req.format}; one of ${REPORT_FORMATS.join(', ')}`, 'format');
  const doc = await buildReport(db, principal, req);
  const data = await renderReport(doc, req.format, { table: req.table });
  const subject =
    req.kind === 'la' ? req.authority : req.kind === 'governor' ? req.schoolUrn : req.providerRef;
  const safe = `${req.kind}-${subject ?? 'all'}-${doc.asOf}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const about = {
    action: 'report' as const,
    operation: `report ${req.kind} ${req.format}`,
    detail: { asOf: doc.asOf, from: req.from ?? null, to: req.to ?? null },
  };
  // the report's subject, then every child and placement it names: who was sent whose record
  const named: [string, string[]][] = [
    ['pupil', doc.names.pupils],
    ['placement', doc.names.placements],
  ];
  await recordAudits(db.dataSource, principal, [
    {
      ...about,
      subjectKind: req.kind === 'la' ? 'authority' : req.kind === 'governor' ? 'school' : 'provider',
      subjects: subject ? [subject] : [],
    },
    ...named.flatMap(([subjectKind, subjects]) =>
      subjects.length ? [{ ...about, subjectKind, subjects }] : [],
    ),
  ]);
  return { data, contentType: CONTENT_TYPES[req.format], fileName: `alp-hub-${safe}.${req.format}` };
}
