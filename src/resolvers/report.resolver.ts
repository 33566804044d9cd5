import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { generateReport } from '../reports/report.service';
import { reportLinks } from '../reports/report-links';
import { ReportInput, ReportLinkType } from '../schema/report.types';
import { Context } from '../server/context';

@Resolver()
export class ReportResolver {
  @Allow()
  @Mutation(() => ReportLinkType, {
    description:
      'Generates a report as the caller (what their role may see) and returns a link that works for 10 minutes, for them only.',
  })
  async generateReport(
    @Arg('input', () => ReportInput) input: ReportInput,
    @Ctx() ctx: Context,
  ): Promise<ReportLinkType> {
    const report = await generateReport(ctx.db, ctx.principal, {
      kind: input.kind,
      format: input.format,
      asOf: input.asOf,
      authority: input.authority,
      schoolUrn: input.school,
      providerRef: input.provider,
      from: input.from,
      to: input.to,
      table: input.table,
    });
    const { token, expiresAt } = reportLinks.put({ ...report, owner: ctx.principal.name });
    return {
      url: `/downloads/${token}`,
      expiresAt,
      fileName: report.fileName,
      contentType: report.contentType,
      bytes: report.data.length,
    };
  }
}
