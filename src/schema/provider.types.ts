import { Field, ObjectType } from 'type-graphql';
import { Provider, ProviderEvidence, ProviderVisit } from '../entities';
import { Connection } from './connection.types';
import {
  EnvironmentRiskEnum,
  EvidenceItemEnum,
  EvidenceStatusEnum,
  VisitJudgementEnum,
  VisitorEnum,
} from './enums';
import { LocalDate, NonNegativeFloat, NonNegativeInt } from './scalars';

@ObjectType('Provider', {
  simpleResolvers: true,
  description: 'An alternative provision provider, identified by its provider reference.',
})
export class ProviderType {
  id: number;

  @Field({ description: 'Provider reference used across the framework.' })
  providerRef: string;

  @Field()
  name: string;

  @Field({ description: 'On the commissioning framework.' })
  onFramework: boolean;

  @Field({ description: 'Registered with the DfE as an independent school.' })
  registered: boolean;

  @Field(() => String, { nullable: true, description: 'URN as a registered independent school.' })
  dfeUrn: string | null;

  @Field(() => String, { nullable: true, description: 'Latest Ofsted judgement, where registered.' })
  ofstedJudgement: string | null;

  @Field(() => LocalDate, { nullable: true })
  ofstedDate: string | null;

  @Field({ description: 'Offers the full-time lot.' })
  offersFullTime: boolean;

  @Field({ description: 'Offers the part-time lot.' })
  offersPartTime: boolean;

  @Field({ description: 'Offers the in-school lot.' })
  offersInSchool: boolean;

  @Field({ description: 'Provides online education.' })
  online: boolean;

  @Field({ description: 'Provides professional services (professional indemnity insurance then required).' })
  professionalServices: boolean;

  @Field(() => EnvironmentRiskEnum, { nullable: true })
  environmentRisk: EnvironmentRiskEnum | null;

  @Field(() => [String], { description: 'Forms of provision (mentoring, small group, forest school...).' })
  forms: string[];

  @Field(() => String, { nullable: true })
  postcode: string | null;
}

@ObjectType('ProviderEvidence', {
  simpleResolvers: true,
  description:
    'A compliance evidence item (appendix 1). Money: `valuePence` is exact (integer pence, as stored); `valuePounds` is the same amount in pounds for display.',
})
export class ProviderEvidenceType {
  @Field(() => EvidenceItemEnum)
  item: EvidenceItemEnum;

  @Field(() => EvidenceStatusEnum)
  status: EvidenceStatusEnum;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Date of the evidence; for DSL and deputy DSL, the latest safeguarding training.',
  })
  evidenceDate: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'When the evidence expires.' })
  expiresOn: string | null;

  @Field(() => NonNegativeInt, {
    nullable: true,
    description: 'Limit of indemnity (insurance items), in pence.',
  })
  valuePence: number | null;

  @Field(() => NonNegativeFloat, {
    nullable: true,
    description: 'Limit of indemnity in pounds (valuePence / 100).',
  })
  valuePounds: number | null;

  @Field(() => String, { nullable: true })
  checkedBy: string | null;

  @Field(() => String, { nullable: true })
  notes: string | null;
}

@ObjectType('ProviderVisit', {
  simpleResolvers: true,
  description: 'A quality-assurance or monitoring visit to a provider.',
})
export class ProviderVisitType {
  @Field(() => LocalDate)
  visitDate: string;

  @Field(() => VisitorEnum)
  visitor: VisitorEnum;

  @Field({ description: 'A physical health and safety check was made.' })
  healthSafetyChecked: boolean;

  @Field({ description: 'The health and safety check was made by a competent person.' })
  competentPerson: boolean;

  @Field(() => VisitJudgementEnum, { nullable: true })
  judgement: VisitJudgementEnum | null;

  @Field(() => String, { nullable: true })
  notes: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ProviderConnection extends Connection(ProviderType, 'Provider') {}

export function toProviderType(p: Provider): ProviderType {
  const { id, providerRef, name, onFramework, registered, dfeUrn, ofstedJudgement, ofstedDate } = p;
  return Object.assign(new ProviderType(), {
    id,
    providerRef,
    name,
    onFramework,
    registered,
    dfeUrn,
    ofstedJudgement,
    ofstedDate,
    offersFullTime: p.offersFullTime,
    offersPartTime: p.offersPartTime,
    offersInSchool: p.offersInSchool,
    online: p.online,
    professionalServices: p.professionalServices,
    environmentRisk: p.environmentRisk as EnvironmentRiskEnum | null,
    forms: p.forms,
    postcode: p.postcode,
  });
}

export function poundsOf(pence: number | null): number | null {
  return pence === null ? null : pence / 100;
}

export function toProviderEvidenceType(e: ProviderEvidence): ProviderEvidenceType {
  return Object.assign(new ProviderEvidenceType(), {
    item: e.item as EvidenceItemEnum,
    status: e.status as EvidenceStatusEnum,
    evidenceDate: e.evidenceDate,
    expiresOn: e.expiresOn,
    valuePence: e.valuePence,
    valuePounds: poundsOf(e.valuePence),
    checkedBy: e.checkedBy,
    notes: e.notes,
  });
}

export function toProviderVisitType(v: ProviderVisit): ProviderVisitType {
  return Object.assign(new ProviderVisitType(), {
    visitDate: v.visitDate,
    visitor: v.visitor as VisitorEnum,
    healthSafetyChecked: v.healthSafetyChecked,
    competentPerson: v.competentPerson,
    judgement: v.judgement as VisitJudgementEnum | null,
    notes: v.notes,
  });
}
