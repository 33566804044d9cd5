import { ImportKind, KindDefinition } from '../kind-definition';
import { ATTENDANCE } from './attendance.kind';
import { AUTHORITIES } from './authorities.kind';
import { CALENDAR } from './calendar.kind';
import { DESTINATIONS } from './destinations.kind';
import { PLACEMENTS } from './placements.kind';
import { PROVIDER_EVIDENCE } from './provider-evidence.kind';
import { PROVIDER_VISITS } from './provider-visits.kind';
import { PROVIDERS } from './providers.kind';
import { PUPILS } from './pupils.kind';
import { REVIEWS } from './reviews.kind';
import { SCHOOLS } from './schools.kind';
import { TARGETS } from './targets.kind';

/** The definition of every import kind, by kind. */
export const KIND_DEFINITIONS: Record<ImportKind, KindDefinition> = {
  authorities: AUTHORITIES,
  calendar: CALENDAR,
  schools: SCHOOLS,
  providers: PROVIDERS,
  provider_evidence: PROVIDER_EVIDENCE,
  provider_visits: PROVIDER_VISITS,
  pupils: PUPILS,
  placements: PLACEMENTS,
  targets: TARGETS,
  reviews: REVIEWS,
  attendance: ATTENDANCE,
  destinations: DESTINATIONS,
};
