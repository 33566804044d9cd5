import { recordAudits } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/database';
import { badInput } from '../records/record-errors';
import { buildReport, ReportRequest } from './documents';
import type { ReportDocument } from './documents/document';
import { CONTENT_TYPES, isReportFormat, REPORT_FORMATS, renderReport } from './render';

export interface RenderedReport {
  data: Buffer;
  contentType: string;
  fileName: string;
}

/** The subject a report is about: its authority, school or provider, as the audit names it. */
function subjectOf(req: ReportRequest): { kind: string; key: string | null | undefined } {
  if (req.kind === 'la') return { kind: 'authority', key: req.authority };
  if (req.kind === 'governor') return { kind: 'school', key: req.schoolUrn };
  return { kind: 'provider', key: req.providerRef };
}

/** One report for the caller in one format: what the mutation and the dashboard links share. */
export async function generateReport(
  db: Database,
  principal: Principal,
  req: ReportRequest & { format: string; table?: string | null },
): Promise<RenderedReport> {
  if (!isReportFormat(req.format))
    throw badInput(`unknown format ${req.format}; one of ${REPORT_FORMATS.join(', ')}`, 'format');
  const doc = await buildReport(db, principal, req);
  const data = await renderReport(doc, req.format, { table: req.table });
  await auditReport(db, principal, req, doc);
  const safe = `${req.kind}-${subjectOf(req).key ?? 'all'}-${doc.asOf}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return { data, contentType: CONTENT_TYPES[req.format], fileName: `alp-hub-${safe}.${req.format}` };
}

/**
 * The audit of a report made for `principal` (every surface that makes one, the CLI's included): its
 * subject, then every child and placement it names, so the trail says who was sent whose record.
 */
export async function auditReport(
  db: Database,
  principal: Principal,
  req: ReportRequest & { format: string },
  doc: ReportDocument,
): Promise<void> {
  const subject = subjectOf(req);
  const about = {
    action: 'report' as const,
    operation: `report ${req.kind} ${req.format}`,
    detail: { asOf: doc.asOf, from: req.from ?? null, to: req.to ?? null },
  };
  const named: [string, string[]][] = [
    ['pupil', doc.names.pupils],
    ['placement', doc.names.placements],
  ];
  await recordAudits(db.dataSource, principal, [
    { ...about, subjectKind: subject.kind, subjects: subject.key ? [subject.key] : [] },
    ...named.flatMap(([subjectKind, subjects]) =>
      subjects.length ? [{ ...about, subjectKind, subjects }] : [],
    ),
  ]);
}
