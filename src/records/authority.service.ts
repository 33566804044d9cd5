import { DataSource } from 'typeorm';
import { requireWriter } from '../auth/policy';
import { Principal } from '../auth/principal';
import { Authority, CalendarEntry } from '../entities';
import { saveAudited, snapshot } from './audited-save';
import { Page, PageRequest, pageOf } from './page';
import { RecordError } from './record-errors';
import { applyPatch, authorityByLaCode } from './references';

export interface AuthorityCreate {
  laCode: string;
  name: string;
}

export interface AuthorityUpdate {
  name?: string;
}

export class AuthorityService {
  constructor(private readonly ds: DataSource) {}

  async list(_caller: Principal, page: PageRequest): Promise<Page<Authority>> {
    return pageOf(this.ds.getRepository(Authority).createQueryBuilder('a'), page);
  }

  async byLaCode(_caller: Principal, laCode: string): Promise<Authority | null> {
    return this.ds.getRepository(Authority).findOneBy({ laCode });
  }

  async byIds(_caller: Principal, ids: readonly number[]): Promise<Authority[]> {
    return this.ds
      .getRepository(Authority)
      .createQueryBuilder('a')
      .where('a.id = ANY(:ids)', { ids })
      .getMany();
  }

  /** Calendar entries of the given authorities, in date order. */
  async calendars(_caller: Principal, authorityIds: readonly number[]): Promise<CalendarEntry[]> {
    return this.ds
      .getRepository(CalendarEntry)
      .createQueryBuilder('c')
      .where('c.authorityId = ANY(:authorityIds)', { authorityIds })
      .orderBy('c.startDate')
      .addOrderBy('c.kind')
      .getMany();
  }

  async create(caller: Principal, input: AuthorityCreate): Promise<Authority> {
    requireWriter(caller, 'authority');
    const repo = this.ds.getRepository(Authority);
    if (await repo.existsBy({ laCode: input.laCode }))
      throw new RecordError('CONFLICT', `authority ${input.laCode} already exists`, 'laCode');
    const authority = repo.create({ laCode: input.laCode, name: input.name });
    return saveAudited(
      this.ds,
      caller,
      Authority,
      { kind: 'authority', key: input.laCode, before: null },
      authority,
    );
  }

  async update(caller: Principal, laCode: string, patch: AuthorityUpdate): Promise<Authority> {
    requireWriter(caller, 'authority');
    const found = await authorityByLaCode(this.ds.manager, laCode);
    const before = snapshot(found);
    applyPatch(found, { name: patch.name });
    return saveAudited(this.ds, caller, Authority, { kind: 'authority', key: laCode, before }, found);
  }
}
