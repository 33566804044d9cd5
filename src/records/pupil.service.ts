import { DataSource } from 'typeorm';
import { Principal } from '../auth/principal';
import { Destination, Pupil } from '../entities';
import { DestinationActivity } from '../entities/destination.entity';
import { Gender, SenStatus } from '../entities/pupil.entity';
import { Page, PageRequest, pageOf } from './page';
import { activeAtSql, applyPupilFilters, PupilAttributeFilter } from './pupil-filters';
import { guardWrite, notFound, RecordError } from './record-errors';
import { applyPatch, authorityByLaCode, pupilByUpn, schoolByUrn } from './references';

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

  async list(_caller: Principal, filter: PupilFilter, page: PageRequest): Promise<Page<Pupil>> {
    const qb = this.ds.getRepository(Pupil).createQueryBuilder('p');
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
    return pageOf(qb, page);
  }

  async byUpn(_caller: Principal, upn: string): Promise<Pupil | null> {
    return this.ds.getRepository(Pupil).findOneBy({ upn });
  }

  async byIds(_caller: Principal, ids: readonly number[]): Promise<Pupil[]> {
    return this.ds.getRepository(Pupil).createQueryBuilder('p').where('p.id = ANY(:ids)', { ids }).getMany();
  }

  /** Destinations of the given pupils, oldest first. */
  async destinationsOf(_caller: Principal, pupilIds: readonly number[]): Promise<Destination[]> {
    return this.ds
      .getRepository(Destination)
      .createQueryBuilder('d')
      .where('d.pupilId = ANY(:pupilIds)', { pupilIds })
      .orderBy('d.recordedOn')
      .getMany();
  }

  async create(_caller: Principal, input: PupilCreate): Promise<Pupil> {
    const repo = this.ds.getRepository(Pupil);
    const refs = await this.references(input);
    if (await repo.existsBy({ upn: input.upn }))
      throw new RecordError('CONFLICT', `pupil ${input.upn} already exists`, 'upn');
    const { laCode: _la, schoolUrn: _urn, ...fields } = input;
    const pupil = applyPatch(repo.create({ schoolId: null }), { ...fields, ...refs });
    return guardWrite(() => repo.save(pupil));
  }

  async update(_caller: Principal, upn: string, patch: PupilUpdate): Promise<Pupil> {
    const pupil = await pupilByUpn(this.ds.manager, upn);
    const refs = await this.references(patch);
    const { laCode: _la, schoolUrn: _urn, ...fields } = patch;
    applyPatch(pupil, { ...fields, ...refs });
    return guardWrite(() => this.ds.getRepository(Pupil).save(pupil));
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

  async createDestination(_caller: Principal, input: DestinationCreate): Promise<Destination> {
    const pupil = await pupilByUpn(this.ds.manager, input.upn);
    const repo = this.ds.getRepository(Destination);
    if (await repo.existsBy({ pupilId: pupil.id, recordedOn: input.recordedOn }))
      throw new RecordError(
        'CONFLICT',
        `pupil ${input.upn} already has a destination recorded on ${input.recordedOn}`,
        'recordedOn',
      );
    const { upn: _upn, ...fields } = input;
    return guardWrite(() => repo.save(applyPatch(repo.create({ pupilId: pupil.id }), fields)));
  }

  async updateDestination(
    _caller: Principal,
    upn: string,
    recordedOn: string,
    patch: DestinationUpdate,
  ): Promise<Destination> {
    const pupil = await pupilByUpn(this.ds.manager, upn);
    const repo = this.ds.getRepository(Destination);
    const destination = await repo.findOneBy({ pupilId: pupil.id, recordedOn });
    if (!destination) throw notFound('destination', `${upn}/${recordedOn}`, 'recordedOn');
    applyPatch(destination, patch);
    return guardWrite(() => repo.save(destination));
  }
}
