import { NonEmptyArray } from 'type-graphql';
import { AccessResolver } from './access.resolver';
import { AuthorityResolver } from './authority.resolver';
import { DeletionResolver } from './deletion.resolver';
import { DestinationResolver } from './destination.resolver';
import { FlagsResolver } from './flags.resolver';
import { IndicatorsResolver } from './indicators.resolver';
import { IngestResolver } from './ingest.resolver';
import { PlacementResolver } from './placement.resolver';
import { PlacementPlanResolver } from './placement-plan.resolver';
import { ProviderResolver } from './provider.resolver';
import { ProviderComplianceResolver } from './provider-compliance.resolver';
import { PupilResolver } from './pupil.resolver';
import { ReportResolver } from './report.resolver';
import { SchoolResolver } from './school.resolver';
import { SettingsResolver } from './settings.resolver';

/** Every resolver class of the API; each domain adds its own here. */
// biome-ignore lint/complexity/noBannedTypes: type-graphql takes resolver classes as Function
export const RESOLVERS: NonEmptyArray<Function> = [
  AuthorityResolver,
  SchoolResolver,
  ProviderResolver,
  ProviderComplianceResolver,
  PupilResolver,
  DestinationResolver,
  PlacementResolver,
  PlacementPlanResolver,
  FlagsResolver,
  IndicatorsResolver,
  SettingsResolver,
  IngestResolver,
  AccessResolver,
  ReportResolver,
  DeletionResolver,
];
