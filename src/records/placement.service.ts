import { DataSource } from 'typeorm';
import { Principal } from '../auth/principal';
import { Placement, Pupil } from '../entities';
import { EndReason, PlacementReason, PlacementType, WeekSession } from '../entities/placement.entity';
import { Page, PageRequest, pageOf } from './page';
import { activeAtSql, applyPupilFilters, PupilAttributeFilter } from './pupil-filters';
import { badInput, guardWrite, RecordError } from './record-errors';
import { applyPatch, placementByRef, providerByRef, pupilByUpn, schoolByUrn } from './references';

export interface PlacementFilter extends PupilAttributeFilter {
  /** LA code of the pupil's authority. */
  laCode?: string | null;
  /** URN of the commissioning school. */
  schoolUrn?: string | null;
  providerRef?: string | null;
  upn?: string | null;
  type?: PlacementType | null;
  reason?: PlacementReason | null;
  activeAt?: string | null;
}

export interface PlacementFields {
  upn: string;
  providerRef: string;
  commissionerSchoolUrn: string | null;
  type: PlacementType;
  reason: PlacementReason | null;
  startDate: string;
  plannedEndDate: string | null;
  endDate: string | null;
  endReason: EndReason | null;
  hoursPerWeek: number;
  schoolHoursPerWeek: number | null;
  sessions: WeekSession[] | null;
  objectives: string | null;
  successCriteria: string | null;
  monitoring: string | null;
  reviewEveryWeeks: number | null;
  coreSubjects: boolean;
  transport: string | null;
  dfeRegistrationChecked: boolean;
  healthSafetyChecked: boolean;
  safeguardingChecked: boolean;
  checksDate: string | null;
  checksBy: string | null;
  parentalAgreementDate: string | null;
  weeklyCostPence: number | null;
}
export type PlacementCreate = { placementRef: string } & Pick<
  PlacementFields,
  'upn' | 'providerRef' | 'type' | 'startDate' | 'hoursPerWeek'
> &
  Partial<PlacementFields>;
export type PlacementUpdate = Partial<PlacementFields>;

const MAX_HOURS = 40;

/**
 * The rules of the import contract (spec/import-formats.md), so that the API and the files accept the
 * same records; checked after an update is merged.
 */
function checkPlacement(p: Placement): void {
  if (p.endDate && p.endDate < p.startDate)
    throw badInput(`end date ${p.endDate} is before the start date ${p.startDate}`, 'endDate');
  if (p.plannedEndDate && p.plannedEndDate < p.startDate)
    throw badInput(
      `planned end date ${p.plannedEndDate} is before the start date ${p.startDate}`,
      'plannedEndDate',
    );
  if (p.hoursPerWeek < 0 || p.hoursPerWeek > MAX_HOURS)
    throw badInput(`hours per week must be between 0 and ${MAX_HOURS}`, 'hoursPerWeek');
  if (p.schoolHoursPerWeek != null && (p.schoolHoursPerWeek < 0 || p.schoolHoursPerWeek > MAX_HOURS))
    throw badInput(`school hours per week must be between 0 and ${MAX_HOURS}`, 'schoolHoursPerWeek');
}

export class PlacementService {
  constructor(private readonly ds: DataSource) {}

  async list(_caller: Principal, filter: PlacementFilter, page: PageRequest): Promise<Page<Placement>> {
    const qb = this.ds
      .getRepository(Placement)
      .createQueryBuilder('pl')
      .innerJoin(Pupil, 'p', 'p.id = pl.pupil_id');
    if (filter.laCode)
      qb.andWhere('p.authority_id = (SELECT id FROM authority WHERE la_code = :laCode)', filter);
    if (filter.schoolUrn)
      qb.andWhere('pl.commissioner_school_id = (SELECT id FROM school WHERE urn = :schoolUrn)', filter);
    if (filter.providerRef)
      qb.andWhere('pl.provider_id = (SELECT id FROM provider WHERE provider_ref = :providerRef)', filter);
    if (filter.upn) qb.andWhere('p.upn = :upn', filter);
    if (filter.type) qb.andWhere('pl.type = :type', filter);
    if (filter.reason) qb.andWhere('pl.reason = :reason', filter);
    if (filter.activeAt) qb.andWhere(activeAtSql('pl', 'activeAt'), filter);
    applyPupilFilters(qb, 'p', filter);
    return pageOf(qb, page);
  }

  async byRef(_caller: Principal, placementRef: string): Promise<Placement | null> {
    return this.ds.getRepository(Placement).findOneBy({ placementRef });
  }

  async byIds(_caller: Principal, ids: readonly number[]): Promise<Placement[]> {
    return this.ds
      .getRepository(Placement)
      .createQueryBuilder('pl')
      .where('pl.id = ANY(:ids)', { ids })
      .getMany();
  }

  /** Placements of the given pupils, by start date. */
  async ofPupils(_caller: Principal, pupilIds: readonly number[]): Promise<Placement[]> {
    return this.ds
      .getRepository(Placement)
      .createQueryBuilder('pl')
      .where('pl.pupilId = ANY(:pupilIds)', { pupilIds })
      .orderBy('pl.startDate')
      .addOrderBy('pl.id')
      .getMany();
  }

  async create(_caller: Principal, input: PlacementCreate): Promise<Placement> {
    const repo = this.ds.getRepository(Placement);
    const refs = await this.references(input);
    if (await repo.existsBy({ placementRef: input.placementRef }))
      throw new RecordError('CONFLICT', `placement ${input.placementRef} already exists`, 'placementRef');
    const { upn: _u, providerRef: _p, commissionerSchoolUrn: _c, ...fields } = input;
    const placement = applyPatch(
      repo.create({
        commissionerSchoolId: null,
        endDate: null,
        plannedEndDate: null,
        schoolHoursPerWeek: null,
      }),
      { ...fields, ...refs },
    );
    checkPlacement(placement);
    return guardWrite(() => repo.save(placement));
  }

  async update(_caller: Principal, placementRef: string, patch: PlacementUpdate): Promise<Placement> {
    const placement = await placementByRef(this.ds.manager, placementRef);
    const refs = await this.references(patch);
    const { upn: _u, providerRef: _p, commissionerSchoolUrn: _c, ...fields } = patch;
    applyPatch(placement, { ...fields, ...refs });
    checkPlacement(placement);
    return guardWrite(() => this.ds.getRepository(Placement).save(placement));
  }

  private async references(input: Partial<PlacementFields>) {
    const m = this.ds.manager;
    const { upn, providerRef, commissionerSchoolUrn: urn } = input;
    return {
      pupilId: upn === undefined ? undefined : (await pupilByUpn(m, upn)).id,
      providerId: providerRef === undefined ? undefined : (await providerByRef(m, providerRef)).id,
      commissionerSchoolId:
        urn === undefined
          ? undefined
          : urn === null
            ? null
            : (await schoolByUrn(m, urn, 'commissionerSchoolUrn')).id,
    };
  }
}
