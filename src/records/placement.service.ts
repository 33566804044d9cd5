import { DataSource } from 'typeorm';
import {
  placementScope,
  positional,
  pupilScope,
  requireOwnSchool,
  requirePupilInScope,
  requireRows,
  requireSchoolMayChange,
  requireWriter,
  rowWall,
} from '../auth/policy';
import { Principal } from '../auth/principal';
import { readBehindWall, underWall, Walled } from '../auth/row-wall';
import { Placement, Provider, Pupil, School } from '../entities';
import { EndReason, PlacementReason, PlacementType, WeekSession } from '../entities/placement.entity';
import { saveAudited, snapshot } from './audited-save';
import { decodeCursor, encodeCursor, Page, PageRequest } from './page';
import { activeAtSql, applyPupilFilters, PupilAttributeFilter } from './pupil-filters';
import { Conditions, rawColumns } from './raw-rows';
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

/** The properties of a record that a read needs (its id always comes); null: every column. */
export type Properties = readonly string[] | null;

/** Related records a placement list reads with its page (those its query selects). */
export interface PlacementIncludes {
  pupil?: boolean;
  /** The pupil's school (with `pupil`). */
  school?: boolean;
  provider?: boolean;
  /**
   * The properties to read of each record (absent: all). A record read with fewer holds only those,
   * so it is for the query that asked, not for a cache that other reads share.
   */
  properties?: { placement?: Properties; pupil?: Properties; school?: Properties; provider?: Properties };
}

/**
 * A placement of a list with the related records asked for: null when not asked for, when there is
 * none (a pupil on no school's roll), or, for the pupil, when the pupil scope does not let the caller
 * read it (then its own read answers null as well).
 */
export interface ListedPlacement {
  placement: Placement;
  pupil: Pupil | null;
  school: School | null;
  provider: Provider | null;
}

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
  // stored to the hundredth: more would be rounded unseen, and the answer would not be what is stored
  for (const [field, hours] of [
    ['hoursPerWeek', p.hoursPerWeek],
    ['schoolHoursPerWeek', p.schoolHoursPerWeek],
  ] as const)
    if (hours != null && Math.abs(Math.round(Number(hours) * 100) - Number(hours) * 100) > 1e-6)
      throw badInput('hours have at most two decimals', field);
}

export class PlacementService {
  constructor(private readonly ds: DataSource) {}

  /**
   * One page of the placements the caller may read, in id order (keyset pagination, as `pageOf`),
   * with the records `include` asks for read by the same statement: each placement's pupil (when the
   * pupil scope lets the caller read it), that pupil's school and the provider. One round trip behind
   * the row-level wall (`readBehindWall`), rows mapped without TypeORM; the count is another, when asked.
   */
  async list(
    caller: Principal,
    filter: PlacementFilter,
    page: PageRequest,
    include: PlacementIncludes = {},
  ): Promise<Page<ListedPlacement>> {
    requireRows(caller);
    const scope = placementScope(caller, 'pl', 'p');
    const where = new Conditions().andWhere(scope.sql, scope.params);
    if (filter.laCode)
      where.andWhere('p.authority_id = (SELECT id FROM authority WHERE la_code = :laCode)', filter);
    if (filter.schoolUrn)
      where.andWhere('pl.commissioner_school_id = (SELECT id FROM school WHERE urn = :schoolUrn)', filter);
    if (filter.providerRef)
      where.andWhere('pl.provider_id = (SELECT id FROM provider WHERE provider_ref = :providerRef)', filter);
    if (filter.upn) where.andWhere('p.upn = :upn', filter);
    if (filter.type) where.andWhere('pl.type = :type', filter);
    if (filter.reason) where.andWhere('pl.reason = :reason', filter);
    if (filter.activeAt) where.andWhere(activeAtSql('pl', 'activeAt'), filter);
    applyPupilFilters(where, 'p', filter);
    const wall = rowWall(caller);
    const counted = where.positional();
    let count: Promise<number> | undefined;
    const totalCount = () => {
      count ??= readBehindWall<{ n: number }>(
        this.ds,
        wall,
        `SELECT count(*)::int AS n FROM placement pl JOIN pupil p ON p.id = pl.pupil_id WHERE ${counted.sql}`,
        counted.values,
      ).then(([r]) => r.n);
      return count;
    };

    const afterId = page.after ? decodeCursor(page.after) : null;
    if (afterId !== null) where.andWhere('pl.id > :afterId', { afterId });
    const { sql, values } = where.positional();
    const only = include.properties ?? {};
    const placement = rawColumns(this.ds, Placement, 'pl', '', only.placement);
    const pupil = rawColumns(this.ds, Pupil, 'p', 'pupil.', only.pupil);
    const school = rawColumns(this.ds, School, 's', 'school.', only.school);
    const provider = rawColumns(this.ds, Provider, 'pr', 'provider.', only.provider);
    const withSchool = include.pupil && include.school;
    const select = [placement.select];
    const joins: string[] = [];
    if (include.pupil) {
      const pupilSeen = pupilScope(caller, 'p');
      const seenSql = pupilSeen.sql;
      // where the placement scope is the pupil scope itself (administrators, LA officers), WHERE has it
      if (seenSql === scope.sql) select.push(pupil.select, 'TRUE AS "pupilVisible"');
      else {
        const seen = positional(pupilSeen, values.length);
        values.push(...seen.values);
        select.push(pupil.select, `(${seen.sql}) AS "pupilVisible"`);
      }
    }
    if (withSchool) {
      select.push(school.select);
      joins.push('LEFT JOIN school s ON s.id = p.school_id');
    }
    if (include.provider) {
      select.push(provider.select);
      joins.push('LEFT JOIN provider pr ON pr.id = pl.provider_id');
    }
    values.push(page.first + 1);
    const rows = await readBehindWall<Record<string, unknown>>(
      this.ds,
      wall,
      `SELECT ${select.join(', ')} FROM placement pl JOIN pupil p ON p.id = pl.pupil_id ${joins.join(' ')}
       WHERE ${sql} ORDER BY pl.id LIMIT $${values.length}`,
      values,
    );
    const listed = rows.slice(0, page.first).map((row) => {
      const p = include.pupil && row.pupilVisible === true ? pupil.read(row) : null;
      return {
        cursor: encodeCursor(row.id as number),
        row: {
          placement: placement.read(row),
          pupil: p,
          school: p && withSchool && row['school.id'] !== null ? school.read(row) : null,
          provider: include.provider && row['provider.id'] !== null ? provider.read(row) : null,
        },
      };
    });
    return {
      rows: listed,
      hasNextPage: rows.length > page.first,
      endCursor: listed.length ? listed[listed.length - 1].cursor : null,
      totalCount,
    };
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
    // a school's placement is commissioned by that school: it cannot make one it could not then change
    if (caller.role === 'school' && input.commissionerSchoolUrn === undefined)
      input = { ...input, commissionerSchoolUrn: caller.schoolUrn };
    const repo = this.ds.getRepository(Placement);
    const refs = await this.references(input);
    await this.checkPlace(caller, refs.pupilId, input);
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
    await requireSchoolMayChange(this.ds.manager, caller, {
      kind: 'placement',
      key: placementRef,
      schoolId: placement.commissionerSchoolId,
    });
    const before = snapshot(placement);
    const refs = await this.references(patch);
    await this.checkPlace(caller, refs.pupilId, patch);
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
  private async checkPlace(
    caller: Principal,
    pupilId: number | undefined,
    input: Pick<Partial<PlacementFields>, 'upn' | 'commissionerSchoolUrn'>,
  ) {
    if (pupilId !== undefined && input.upn !== undefined)
      await requirePupilInScope(this.ds, caller, pupilId, input.upn);
    if (caller.role === 'school' && input.commissionerSchoolUrn !== undefined)
      requireOwnSchool(caller, input.commissionerSchoolUrn, 'commission a placement');
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
