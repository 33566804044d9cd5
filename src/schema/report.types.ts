import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { REPORT_KINDS } from '../reports/documents';
import { REPORT_FORMATS } from '../reports/render';
import { enumOfValues } from './enums';
import { DateTime, LocalDate } from './scalars';

export const ReportKindEnum = enumOfValues(REPORT_KINDS);
registerEnumType(ReportKindEnum, {
  name: 'ReportKind',
  description:
    'LA: the monitoring report of an authority; GOVERNOR: a school; PROVIDER: a provider scorecard.',
});

export const ReportFormatEnum = enumOfValues(REPORT_FORMATS);
registerEnumType(ReportFormatEnum, {
  name: 'ReportFormat',
  description: 'PDF, self-contained HTML, XLSX (one sheet per table), or CSV (one table).',
});

@InputType('ReportInput', { description: 'Which report, for what, in which format.' })
export class ReportInput {
  @Field(() => ReportKindEnum)
  kind: 'la' | 'governor' | 'provider';

  @Field(() => ReportFormatEnum)
  format: 'pdf' | 'html' | 'xlsx' | 'csv';

  @Field(() => LocalDate, { nullable: true, description: 'Default: today (Europe/London).' })
  asOf?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'LA code: needed for LA; for PROVIDER, the comparison scope.',
  })
  authority?: string | null;

  @Field(() => String, { nullable: true, description: 'School URN: needed for GOVERNOR.' })
  school?: string | null;

  @Field(() => String, { nullable: true, description: 'Provider reference: needed for PROVIDER.' })
  provider?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Period start (GOVERNOR, PROVIDER; default 1 September), or the previous report date (LA).',
  })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Period end (default: asOf).' })
  to?: string | null;

  @Field(() => String, { nullable: true, description: 'CSV only: the table (default: the first).' })
  table?: string | null;
}

@ObjectType('ReportLink', {
  simpleResolvers: true,
  description: 'A generated report behind a short-lived link (GET it).',
})
export class ReportLinkType {
  @Field({ description: 'Path on this hub, e.g. /downloads/<token>; only its generator may fetch it.' })
  url: string;

  @Field(() => DateTime)
  expiresAt: Date;

  @Field()
  fileName: string;

  @Field()
  contentType: string;

  @Field(() => Int)
  bytes: number;
}
