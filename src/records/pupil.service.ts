import { DataSource } from 'typeorm';
import {
  pupilScope,
  requireAuthority,
  requireOwnSchool,
  requireRows,
  requireSchoolMayChange,
  requireWriter,
  rowWall,
} from '../auth/policy';
import { Principal } from '../auth/principal';
import { underWall, Walled } from '../auth/row-wall';
import { londonToday } from '../domain/dates';
import { Destination, Pupil } from '../entities';
import { DestinationActivity } from '../entities/destination.entity';
import { Gender, SenStatus } from '../entities/pupil.entity';
import { saveAudited, snapshot } from './audited-save';
import { Page, PageRequest, pageOf } from './page';
import { activeAtSql, applyPupilFilters, PupilAttributeFilter } from './pupil-filters';
import { badInput, notFound, RecordError } from './record-errors';
import { applyPatch, authorityByLaCode, schoolByUrn } from './references';

export interface PupilFilter extends PupilAttributeFilter {
  laCode?: string | null;
  /** URN of the school on whose roll the pupil is. */
  schoolUrn?: string | null;
  /** Pupils with a placement at this provider (active at `activeAt` when that is given too). */
  providerRef?: string | null;
  /** Pupils with a placement active on this date. */
  activeAt?: string | null;
}

export interface PupilFields {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  laCode: string;
  schoolUrn: string | null;
  homeEducated: boolean;
  gender: Gender | null;
  senStatus: SenStatus;
  lookedAfter: boolean;
  fsm: boolean;
}
export type PupilCreate = { upn: string } & Pick<
  PupilFields,
  'firstName' | 'lastName' | 'dateOfBirth' | 'laCode'
> &
  Partial<PupilFields>;
export type PupilUpdate = Partial<PupilFields>;

export interface DestinationFields {
  activity: DestinationActivity;
  providerName: string | null;
  sustained: boolean | null;
}
export type DestinationCreate = {
  upn: string;
  recordedOn: string;
  activity: DestinationActivity;
} & Partial<DestinationFields>;
export type DestinationUpdate = Partial<DestinationFields>;

export class PupilService {
  constructor(private readonly ds: DataSource) {}

  async list(caller: Principal, filter: PupilFilter, page: PageRequest): Promise<Page<Pupil>> {
    requireRows(caller);
    const scope = pupilScope(caller, 'p');
    const qb = this.ds.getRepository(Pupil).createQueryBuilder('p').where(scope.sql, scope.params);
    if (filter.laCode)
      qb.andWhere('p.authority_id = (SELECT id FROM authority WHERE la_code = :laCode)', filter);
    if (filter.schoolUrn) qb.andWhere('p.school_id = (SELECT id FROM school WHERE urn = :schoolUrn)', filter);
    if (filter.providerRef || filter.activeAt) {
      const conditions = ['pl.pupil_id = p.id'];
      if (filter.providerRef)
        conditions.push('pl.provider_id = (SELECT id FROM provider WHERE provider_ref = :providerRef)');
      if (filter.activeAt) conditions.push(activeAtSql('pl', 'activeAt'));
      qb.andWhere(`EXISTS (SELECT 1 FROM placement pl WHERE ${conditions.join(' AND ')})`, filter);
    }
    applyPupilFilters(qb, 'p', filter);
    return pageOf(qb, page, this.behind(caller));
  }

  /** Every read of pupils and their destinations runs behind the row-level wall as well. */
  private behind(caller: Principal): Walled {
    return { db: this.ds, wall: rowWall(caller) };
  }

  /** The pupil, or null when there is none or it is outside the caller's scope (the same answer). */
  async byUpn(caller: Principal, upn: string): Promise<Pupil | null> {
    return underWall(this.behind(caller), this.scoped(caller).andWhere('p.upn = :upn', { upn }), (q) =>
      q.getOne(),
    );
  }

  async byIds(caller: Principal, ids: readonly number[]): Promise<Pupil[]> {
    return underWall(this.behind(caller), this.scoped(caller).andWhere('p.id = ANY(:ids)', { ids }), (q) =>
      q.getMany(),
    );
  }

  /** Pupils the caller may read (none for aggregates-only callers, who get an error instead). */
  private scoped(caller: Principal) {
    requireRows(caller);
    const scope = pupilScope(caller, 'p');
    return this.ds.getRepository(Pupil).createQueryBuilder('p').where(scope.sql, scope.params);
  }

  /** Destinations of the given pupils (those in the caller's scope), oldest first. */
  async destinationsOf(caller: Principal, pupilIds: readonly number[]): Promise<Destination[]> {
    requireRows(caller);
    const scope = pupilScope(caller, 'p');
    const qb = this.ds
      .getRepository(Destination)
      .createQueryBuilder('d')
      .innerJoin(Pupil, 'p', 'p.id = d.pupil_id')
      .where('d.pupilId = ANY(:pupilIds)', { pupilIds })
      .andWhere(scope.sql, scope.params)
      .orderBy('d.recordedOn');
    return underWall(this.behind(caller), qb, (q) => q.getMany());
  }

  /**
   * The pupil by UPN for a change: NOT_FOUND when absent or outside the caller's scope, FORBIDDEN when
   * the caller reads it but may not change it (a school, for a pupil not on its roll).
   */
  private async writable(caller: Principal, upn: string): Promise<Pupil> {
    requireWriter(caller, 'pupil');
    const pupil = await this.byUpn(caller, upn);
    if (!pupil) throw notFound('pupil', upn, 'upn');
    await requireSchoolMayChange(this.ds.manager, caller, {
      kind: 'pupil',
      key: upn,
      schoolId: pupil.schoolId,
    });
    return pupil;
  }

  /** Where a pupil is put (authority, school roll) must be inside the caller's scope too. */
  /** A date of birth is a day that has come (a file's is checked the same way). */
  private checkBirth(dateOfBirth: string | undefined): void {
    if (dateOfBirth !== undefined && dateOfBirth > londonToday())
      throw badInput(`the date of birth ${dateOfBirth} is in the future`, 'dateOfBirth');
  }

  private checkPlace(
    caller: Principal,
    laCode: string | undefined,
    schoolUrn: string | null | undefined,
  ): void {
    if (laCode !== undefined) requireAuthority(caller, laCode, 'put a pupil');
    if (schoolUrn !== undefined) requireOwnSchool(caller, schoolUrn, 'put a pupil on the roll');
  }

  async create(caller: Principal, input: PupilCreate): Promise<Pupil> {
    requireWriter(caller, 'pupil');
    this.checkBirth(input.dateOfBirth);
    this.checkPlace(
      caller,
      input.laCode,
      caller.role === 'school' ? (input.schoolUrn ?? null) : input.schoolUrn,
    );
    const repo = this.ds.getRepository(Pupil);
    const refs = await this.references(input);
    if (await repo.existsBy({ upn: input.upn }))
      throw new RecordError('CONFLICT', `pupil ${input.upn} already exists`, 'upn');
    const { laCode: _la, schoolUrn: _urn, ...fields } = input;
    const pupil = applyPatch(repo.create({ schoolId: null }), { ...fields, ...refs });
    return saveAudited(this.ds, caller, Pupil, { kind: 'pupil', key: input.upn, before: null }, pupil);
  }

  async update(caller: Principal, upn: string, patch: PupilUpdate): Promise<Pupil> {
    const pupil = await this.writable(caller, upn);
    this.checkBirth(patch.dateOfBirth);
    this.checkPlace(caller, patch.laCode, patch.schoolUrn);
    const before = snapshot(pupil);
    const refs = await this.references(patch);
    const { laCode: _la, schoolUrn: _urn, ...fields } = patch;
    applyPatch(pupil, { ...fields, ...refs });
    return saveAudited(this.ds, caller, Pupil, { kind: 'pupil', key: upn, before }, pupil);
  }

  private async references(input: { laCode?: string; schoolUrn?: string | null }) {
    const m = this.ds.manager;
    return {
      authorityId: input.laCode === undefined ? undefined : (await authorityByLaCode(m, input.laCode)).id,
      schoolId:
        input.schoolUrn === undefined
          ? undefined
          : input.schoolUrn === null
            ? null
            : (await schoolByUrn(m, input.schoolUrn, 'schoolUrn')).id,
    };
  }

  async createDestination(caller: Principal, input: DestinationCreate): Promise<Destination> {
    requireWriter(caller, 'destination');
    const pupil = await this.writable(caller, input.upn);
    const repo = this.ds.getRepository(Destination);
    if (await repo.existsBy({ pupilId: pupil.id, recordedOn: input.recordedOn }))
      throw new RecordError(
        'CONFLICT',
        `pupil ${input.upn} already has a destination recorded on ${input.recordedOn}`,
        'recordedOn',
      );
    const { upn: _upn, ...fields } = input;
    const destination = applyPatch(repo.create({ pupilId: pupil.id }), fields);
    return saveAudited(
      this.ds,
      caller,
      Destination,
      { kind: 'destination', key: `${input.upn}/${input.recordedOn}`, before: null },
      destination,
    );
  }

  async updateDestination(
    caller: Principal,
    upn: string,
    recordedOn: string,
    patch: DestinationUpdate,
  ): Promise<Destination> {
    requireWriter(caller, 'destination');
    const pupil = await this.writable(caller, upn);
    const repo = this.ds.getRepository(Destination);
    const destination = await repo.findOneBy({ pupilId: pupil.id, recordedOn });
    if (!destination) throw notFound('destination', `${upn}/${recordedOn}`, 'recordedOn');
    const before = snapshot(destination);
    applyPatch(destination, patch);
    return saveAudited(
      this.ds,
      caller,
      Destination,
      { kind: 'destination', key: `${upn}/${recordedOn}`, before },
      destination,
    );
  }
}
