import { DataSource } from 'typeorm';
import { requireVisitor, requireWriter } from '../auth/policy';
import { Principal } from '../auth/principal';
import { Provider, ProviderEvidence, ProviderVisit } from '../entities';
import { EnvironmentRisk } from '../entities/provider.entity';
import { EvidenceItem, EvidenceStatus } from '../entities/provider-evidence.entity';
import { VisitJudgement, Visitor } from '../entities/provider-visit.entity';
import { saveAudited, snapshot } from './audited-save';
import { Page, PageRequest, pageOf } from './page';
import { notFound, RecordError } from './record-errors';
import { applyPatch, providerByRef } from './references';

export interface ProviderFilter {
  onFramework?: boolean | null;
  registered?: boolean | null;
  /** Only providers with a placement active on this date (any authority). */
  activeAt?: string | null;
}

export interface ProviderFields {
  name: string;
  onFramework: boolean;
  registered: boolean;
  dfeUrn: string | null;
  ofstedJudgement: string | null;
  ofstedDate: string | null;
  offersFullTime: boolean;
  offersPartTime: boolean;
  offersInSchool: boolean;
  online: boolean;
  professionalServices: boolean;
  environmentRisk: EnvironmentRisk | null;
  forms: string[];
  postcode: string | null;
}

export type ProviderCreate = {
  providerRef: string;
  name: string;
  onFramework: boolean;
  registered: boolean;
} & Partial<Omit<ProviderFields, 'name' | 'onFramework' | 'registered'>>;
export type ProviderUpdate = Partial<ProviderFields>;

export interface EvidenceFields {
  status: EvidenceStatus;
  evidenceDate: string | null;
  expiresOn: string | null;
  valuePence: number | null;
  checkedBy: string | null;
  notes: string | null;
}
export type EvidenceCreate = { providerRef: string; item: EvidenceItem; status: EvidenceStatus } & Partial<
  Omit<EvidenceFields, 'status'>
>;
export type EvidenceUpdate = Partial<EvidenceFields>;

export interface VisitFields {
  healthSafetyChecked: boolean;
  competentPerson: boolean;
  judgement: VisitJudgement | null;
  notes: string | null;
}
export type VisitCreate = { providerRef: string; visitDate: string; visitor: Visitor } & Partial<VisitFields>;
export type VisitUpdate = Partial<VisitFields>;

export class ProviderService {
  constructor(private readonly ds: DataSource) {}

  async list(_caller: Principal, filter: ProviderFilter, page: PageRequest): Promise<Page<Provider>> {
    const qb = this.ds.getRepository(Provider).createQueryBuilder('pr');
    if (filter.onFramework != null) qb.andWhere('pr.onFramework = :onFramework', filter);
    if (filter.registered != null) qb.andWhere('pr.registered = :registered', filter);
    if (filter.activeAt)
      qb.andWhere(
        `EXISTS (SELECT 1 FROM placement pl WHERE pl.provider_id = pr.id AND pl.start_date <= :activeAt
          AND (pl.end_date IS NULL OR pl.end_date >= :activeAt))`,
        { activeAt: filter.activeAt },
      );
    return pageOf(qb, page);
  }

  async byRef(_caller: Principal, providerRef: string): Promise<Provider | null> {
    return this.ds.getRepository(Provider).findOneBy({ providerRef });
  }

  async byIds(_caller: Principal, ids: readonly number[]): Promise<Provider[]> {
    return this.ds
      .getRepository(Provider)
      .createQueryBuilder('pr')
      .where('pr.id = ANY(:ids)', { ids })
      .getMany();
  }

  /** Evidence of the given providers, in item order of appendix 1. */
  async evidenceOf(_caller: Principal, providerIds: readonly number[]): Promise<ProviderEvidence[]> {
    return this.ds
      .getRepository(ProviderEvidence)
      .createQueryBuilder('e')
      .where('e.providerId = ANY(:providerIds)', { providerIds })
      .orderBy('e.id')
      .getMany();
  }

  /** Visits to the given providers, latest first. */
  async visitsTo(_caller: Principal, providerIds: readonly number[]): Promise<ProviderVisit[]> {
    return this.ds
      .getRepository(ProviderVisit)
      .createQueryBuilder('v')
      .where('v.providerId = ANY(:providerIds)', { providerIds })
      .orderBy('v.visitDate', 'DESC')
      .addOrderBy('v.id')
      .getMany();
  }

  async create(caller: Principal, input: ProviderCreate): Promise<Provider> {
    requireWriter(caller, 'provider');
    const repo = this.ds.getRepository(Provider);
    if (await repo.existsBy({ providerRef: input.providerRef }))
      throw new RecordError('CONFLICT', `provider ${input.providerRef} already exists`, 'providerRef');
    const { providerRef, ...fields } = input;
    const provider = repo.create({ providerRef, forms: [] });
    applyPatch(provider, fields);
    return saveAudited(
      this.ds,
      caller,
      Provider,
      { kind: 'provider', key: providerRef, before: null },
      provider,
    );
  }

  async update(caller: Principal, providerRef: string, patch: ProviderUpdate): Promise<Provider> {
    requireWriter(caller, 'provider');
    const provider = await providerByRef(this.ds.manager, providerRef);
    const before = snapshot(provider);
    applyPatch(provider, patch);
    return saveAudited(this.ds, caller, Provider, { kind: 'provider', key: providerRef, before }, provider);
  }

  async createEvidence(caller: Principal, input: EvidenceCreate): Promise<ProviderEvidence> {
    requireWriter(caller, 'evidence');
    const provider = await providerByRef(this.ds.manager, input.providerRef);
    const repo = this.ds.getRepository(ProviderEvidence);
    if (await repo.existsBy({ providerId: provider.id, item: input.item }))
      throw new RecordError(
        'CONFLICT',
        `provider ${input.providerRef} already has evidence for ${input.item}`,
        'item',
      );
    const { providerRef: _ref, ...fields } = input;
    const evidence = applyPatch(
      repo.create({ providerId: provider.id, evidenceDate: null, expiresOn: null }),
      fields,
    );
    const key = `${input.providerRef}/${input.item}`;
    return saveAudited(this.ds, caller, ProviderEvidence, { kind: 'evidence', key, before: null }, evidence);
  }

  async updateEvidence(
    caller: Principal,
    providerRef: string,
    item: EvidenceItem,
    patch: EvidenceUpdate,
  ): Promise<ProviderEvidence> {
    requireWriter(caller, 'evidence');
    const provider = await providerByRef(this.ds.manager, providerRef);
    const repo = this.ds.getRepository(ProviderEvidence);
    const evidence = await repo.findOneBy({ providerId: provider.id, item });
    if (!evidence) throw notFound('evidence', `${providerRef}/${item}`, 'item');
    const before = snapshot(evidence);
    applyPatch(evidence, patch);
    const key = `${providerRef}/${item}`;
    return saveAudited(this.ds, caller, ProviderEvidence, { kind: 'evidence', key, before }, evidence);
  }

  async createVisit(caller: Principal, input: VisitCreate): Promise<ProviderVisit> {
    requireWriter(caller, 'visit');
    requireVisitor(caller, input.visitor);
    const provider = await providerByRef(this.ds.manager, input.providerRef);
    const repo = this.ds.getRepository(ProviderVisit);
    const key = { providerId: provider.id, visitDate: input.visitDate, visitor: input.visitor };
    if (await repo.existsBy(key))
      throw new RecordError(
        'CONFLICT',
        `a ${input.visitor} visit to ${input.providerRef} on ${input.visitDate} already exists`,
        'visitDate',
      );
    const { providerRef: _ref, ...fields } = input;
    const subject = `${input.providerRef}/${input.visitDate}/${input.visitor}`;
    const visit = applyPatch(repo.create(key), fields);
    return saveAudited(this.ds, caller, ProviderVisit, { kind: 'visit', key: subject, before: null }, visit);
  }

  async updateVisit(
    caller: Principal,
    key: { providerRef: string; visitDate: string; visitor: Visitor },
    patch: VisitUpdate,
  ): Promise<ProviderVisit> {
    requireWriter(caller, 'visit');
    requireVisitor(caller, key.visitor);
    const provider = await providerByRef(this.ds.manager, key.providerRef);
    const repo = this.ds.getRepository(ProviderVisit);
    const visit = await repo.findOneBy({
      providerId: provider.id,
      visitDate: key.visitDate,
      visitor: key.visitor,
    });
    const subject = `${key.providerRef}/${key.visitDate}/${key.visitor}`;
    if (!visit) throw notFound('visit', subject, 'visitDate');
    const before = snapshot(visit);
    applyPatch(visit, patch);
    return saveAudited(this.ds, caller, ProviderVisit, { kind: 'visit', key: subject, before }, visit);
  }
}
