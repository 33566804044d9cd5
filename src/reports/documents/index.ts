import type { Principal } from '../../auth/principal';
import type { Database } from '../../db/database';
import { londonToday } from '../../domain/dates';
import { requireDate } from '../../indicators/access';
import { badInput } from '../../records/record-errors';
import type { ReportDocument, ReportKind } from './document';
import { buildGovernorReport, loadGovernorReport } from './governor.document';
import { buildLaReport, loadLaReport } from './la-monitoring.document';
import { buildProviderScorecard, loadProviderScorecard } from './provider-scorecard.document';

export const REPORT_KINDS: readonly ReportKind[] = ['la', 'governor', 'provider'];

/** What any surface (CLI, GraphQL, dashboard) asks for; each kind reads the fields it needs. */
export interface ReportRequest {
  kind: ReportKind;
  asOf?: string | null;
  authority?: string | null;
  schoolUrn?: string | null;
  providerRef?: string | null;
  from?: string | null;
  to?: string | null;
}

/** Reads and builds one report for the caller: the services decide what the caller may see. */
export async function buildReport(
  db: Database,
  principal: Principal,
  req: ReportRequest,
): Promise<ReportDocument> {
  const asOf = requireDate(req.asOf || londonToday(), 'asOf');
  switch (req.kind) {
    case 'la':
      if (!req.authority) throw badInput('the LA monitoring report needs an authority', 'authority');
      return buildLaReport(
        await loadLaReport(db, principal, { asOf, authority: req.authority, since: req.from }),
      );
    case 'governor':
      if (!req.schoolUrn) throw badInput('the governor report needs a school (URN)', 'school');
      return buildGovernorReport(
        await loadGovernorReport(db, principal, {
          asOf,
          schoolUrn: req.schoolUrn,
          from: req.from,
          to: req.to,
        }),
      );
    case 'provider':
      if (!req.providerRef) throw badInput('the provider scorecard needs a provider reference', 'provider');
      return buildProviderScorecard(
        await loadProviderScorecard(db, principal, {
          asOf,
          providerRef: req.providerRef,
          authority: req.authority,
          from: req.from,
          to: req.to,
        }),
      );
    default:
      throw badInput(`unknown report ${String(req.kind)}; one of ${REPORT_KINDS.join(', ')}`, 'kind');
  }
}
