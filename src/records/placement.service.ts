import { DataSource } from 'typeorm';
import {
  placementScope,
  requireOwnSchool,
  requirePupilInScope,
  requireRows,
  requireWriter,
  rowWall,
} from '../auth/policy';
import { Principal } from '../auth/principal';
import { underWall, Walled } from '../auth/row-wall';
import { Placement, Pupil } from '../entities';
import { EndReason, PlacementReason, PlacementType, WeekSession } from '../entities/placement.entity';
import { saveAudited, snapshot } from './audited-save';
import { Page, PageRequest, pageOf } from './page';
import { activeAtSql, applyPupilFilters, PupilAttributeFilter } from './pupil-filters';
import { badInput, notFound, RecordError } from './record-errors';
import { applyPatch, providerByRef, pupilByUpn, schoolByUrn } from './references';

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

  async list(caller: Principal, filter: PlacementFilter, page: PageRequest): Promise<Page<Placement>> {
    const qb = this.scoped(caller);
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
    return pageOf(qb, page, this.behind(caller));
  }

  /** Every read of placements runs behind the row-level wall as well. */
  private behind(caller: Principal): Walled {
    return { db: this.ds, wall: rowWall(caller) };
  }

  /** Placements the caller may read, with their pupil as `p`. */
  private scoped(caller: Principal) {
    requireRows(caller);
    const scope = placementScope(caller, 'pl', 'p');
    return this.ds
      .getRepository(Placement)
      .createQueryBuilder('pl')
      .innerJoin(Pupil, 'p', 'p.id = pl.pupil_id')
      .where(scope.sql, scope.params);
  }

  /** The placement, or null when there is none or it is outside the caller's scope. */
  async byRef(caller: Principal, placementRef: string): Promise<Placement | null> {
    return underWall(
      this.behind(caller),
      this.scoped(caller).andWhere('pl.placementRef = :placementRef', { placementRef }),
      (q) => q.getOne(),
    );
  }

  async byIds(caller: Principal, ids: readonly number[]): Promise<Placement[]> {
    return underWall(this.behind(caller), this.scoped(caller).andWhere('pl.id = ANY(:ids)', { ids }), (q) =>
      q.getMany(),
    );
  }

  /** Placements of the given pupils (those the caller may read), by start date. */
  async ofPupils(caller: Principal, pupilIds: readonly number[]): Promise<Placement[]> {
    const qb = this.scoped(caller)
      .andWhere('pl.pupilId = ANY(:pupilIds)', { pupilIds })
      .orderBy('pl.startDate')
      .addOrderBy('pl.id');
    return underWall(this.behind(caller), qb, (q) => q.getMany());
  }

  async create(caller: Principal, input: PlacementCreate): Promise<Placement> {
    requireWriter(caller, 'placement');
    const repo = this.ds.getRepository(Placement);
    const refs = await this.references(input);
    await this.checkPlace(caller, refs.pupilId, input.commissionerSchoolUrn);
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
    return saveAudited(
      this.ds,
      caller,
      Placement,
      { kind: 'placement', key: input.placementRef, before: null },
      placement,
    );
  }

  async update(caller: Principal, placementRef: string, patch: PlacementUpdate): Promise<Placement> {
    requireWriter(caller, 'placement');
    const placement = await this.byRef(caller, placementRef);
    if (!placement) throw notFound('placement', placementRef, 'placementRef');
    const before = snapshot(placement);
    const refs = await this.references(patch);
    await this.checkPlace(caller, refs.pupilId, patch.commissionerSchoolUrn);
    const { upn: _u, providerRef: _p, commissionerSchoolUrn: _c, ...fields } = patch;
    applyPatch(placement, { ...fields, ...refs });
    checkPlacement(placement);
    return saveAudited(
      this.ds,
      caller,
      Placement,
      { kind: 'placement', key: placementRef, before },
      placement,
    );
  }

  /**
   * A placement is made for a pupil the caller may read, and a school commissions only in its own
   * name (its placements for pupils on its roll, or those it commissions for others).
   */
  private async checkPlace(caller: Principal, pupilId: number | undefined, urn: string | null | undefined) {
    if (pupilId !== undefined) await requirePupilInScope(this.ds, caller, pupilId, 'make a placement');
    if (caller.role === 'school' && urn !== undefined)
      requireOwnSchool(caller, urn, 'commission a placement');
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
