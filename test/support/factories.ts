import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { makeUpn } from '../../src/domain/upn';
import { AuthorityService } from '../../src/records/authority.service';
import { PlacementCreate, PlacementService } from '../../src/records/placement.service';
import { PlacementPlanService, ReviewCreate, TargetCreate } from '../../src/records/placement-plan.service';
import {
  EvidenceCreate,
  ProviderCreate,
  ProviderService,
  VisitCreate,
} from '../../src/records/provider.service';
import { DestinationCreate, PupilCreate, PupilService } from '../../src/records/pupil.service';
import { SchoolCreate, SchoolService } from '../../src/records/school.service';

/**
 * Test data made through the real record services (the same checks as the API), with unique natural
 * keys from a counter private to each `factories(db)` call. All names are synthetic.
 */
export function factories(db: Database) {
  const caller = localAdministrator('test');
  const ds = db.dataSource;
  const authorities = new AuthorityService(ds);
  const schools = new SchoolService(ds);
  const providers = new ProviderService(ds);
  const pupils = new PupilService(ds);
  const placements = new PlacementService(ds);
  const plans = new PlacementPlanService(ds);
  let n = 0;
  const next = () => ++n;

  return {
    authority: (over: { laCode?: string; name?: string } = {}) => {
      const i = next();
      return authorities.create(caller, {
        laCode: String(800 + i).padStart(3, '0'),
        name: `Authority ${i}`,
        ...over,
      });
    },
    school: (over: Partial<SchoolCreate> & { laCode: string }) => {
      const i = next();
      return schools.create(caller, {
        urn: String(100000 + i),
        name: `School ${i}`,
        type: 'academy',
        ...over,
      });
    },
    provider: (over: Partial<ProviderCreate> = {}) => {
      const i = next();
      return providers.create(caller, {
        providerRef: `PRV${i}`,
        name: `Provider ${i}`,
        onFramework: true,
        registered: false,
        ...over,
      });
    },
    pupil: (over: Partial<PupilCreate> & { laCode: string }) => {
      const i = next();
      return pupils.create(caller, {
        upn: makeUpn(`80120000${String(i).padStart(4, '0')}`),
        firstName: `First${i}`,
        lastName: `Last${i}`,
        dateOfBirth: '2011-10-01',
        ...over,
      });
    },
    placement: (over: Partial<PlacementCreate> & { upn: string; providerRef: string }) => {
      const i = next();
      return placements.create(caller, {
        placementRef: `PL${i}`,
        type: 'part_time',
        startDate: '2026-01-05',
        hoursPerWeek: 10,
        ...over,
      });
    },
    target: (over: Partial<TargetCreate> & { placementRef: string }) => {
      const i = next();
      return plans.createTarget(caller, {
        targetRef: `T${i}`,
        kind: 'academic',
        description: `Target ${i}`,
        ...over,
      });
    },
    review: (over: ReviewCreate) => plans.createReview(caller, over),
    destination: (over: DestinationCreate) => pupils.createDestination(caller, over),
    evidence: (over: EvidenceCreate) => providers.createEvidence(caller, over),
    visit: (over: VisitCreate) => providers.createVisit(caller, over),
  };
}

export type Factories = ReturnType<typeof factories>;
