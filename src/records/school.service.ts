import { DataSource } from 'typeorm';
import { requireAuthority, requireWriter } from '../auth/policy';
import { Principal } from '../auth/principal';
import { School } from '../entities';
import { SchoolType } from '../entities/school.entity';
import { saveAudited, snapshot } from './audited-save';
import { Page, PageRequest, pageOf } from './page';
import { RecordError } from './record-errors';
import { applyPatch, authorityByLaCode, schoolByUrn } from './references';

export interface SchoolFilter {
  laCode?: string | null;
  type?: SchoolType | null;
}

export interface SchoolCreate {
  urn: string;
  name: string;
  laCode: string;
  type: SchoolType;
  phase?: string | null;
}

export interface SchoolUpdate {
  name?: string;
  laCode?: string;
  type?: SchoolType;
  phase?: string | null;
}

export class SchoolService {
  constructor(private readonly ds: DataSource) {}

  async list(_caller: Principal, filter: SchoolFilter, page: PageRequest): Promise<Page<School>> {
    const qb = this.ds.getRepository(School).createQueryBuilder('s');
    if (filter.laCode)
      qb.andWhere('s.authorityId = (SELECT id FROM authority WHERE la_code = :laCode)', {
        laCode: filter.laCode,
      });
    if (filter.type) qb.andWhere('s.type = :type', { type: filter.type });
    return pageOf(qb, page);
  }

  async byUrn(_caller: Principal, urn: string): Promise<School | null> {
    return this.ds.getRepository(School).findOneBy({ urn });
  }

  async byIds(_caller: Principal, ids: readonly number[]): Promise<School[]> {
    return this.ds.getRepository(School).createQueryBuilder('s').where('s.id = ANY(:ids)', { ids }).getMany();
  }

  async create(caller: Principal, input: SchoolCreate): Promise<School> {
    requireWriter(caller, 'school');
    requireAuthority(caller, input.laCode, 'add a school');
    const repo = this.ds.getRepository(School);
    const authority = await authorityByLaCode(this.ds.manager, input.laCode);
    if (await repo.existsBy({ urn: input.urn }))
      throw new RecordError('CONFLICT', `school ${input.urn} already exists`, 'urn');
    const school = repo.create({
      urn: input.urn,
      name: input.name,
      authorityId: authority.id,
      type: input.type,
      phase: input.phase ?? null,
    });
    return saveAudited(this.ds, caller, School, { kind: 'school', key: input.urn, before: null }, school);
  }

  async update(caller: Principal, urn: string, patch: SchoolUpdate): Promise<School> {
    requireWriter(caller, 'school');
    const school = await schoolByUrn(this.ds.manager, urn);
    const [own] = await this.ds.query('SELECT la_code FROM authority WHERE id = $1', [school.authorityId]);
    requireAuthority(caller, own.la_code, 'change a school');
    if (patch.laCode !== undefined) requireAuthority(caller, patch.laCode, 'move a school');
    const before = snapshot(school);
    const authorityId =
      patch.laCode !== undefined ? (await authorityByLaCode(this.ds.manager, patch.laCode)).id : undefined;
    applyPatch(school, { name: patch.name, type: patch.type, phase: patch.phase, authorityId });
    return saveAudited(this.ds, caller, School, { kind: 'school', key: urn, before }, school);
  }
}
