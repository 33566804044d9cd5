import { Field, ObjectType } from 'type-graphql';
import { School } from '../entities';
import { Connection } from './connection.types';
import { SchoolTypeEnum } from './enums';

@ObjectType('School', {
  simpleResolvers: true,
  description: 'A school (or pupil referral unit), identified by its 6-digit URN.',
})
export class SchoolType {
  id: number;
  authorityId: number;

  @Field({ description: 'Unique reference number (DfE), 6 digits.' })
  urn: string;

  @Field()
  name: string;

  @Field(() => SchoolTypeEnum)
  type: SchoolTypeEnum;

  @Field(() => String, {
    nullable: true,
    description: 'Phase, free text (primary, secondary, all-through...).',
  })
  phase: string | null;
}

@ObjectType({ simpleResolvers: true })
export class SchoolConnection extends Connection(SchoolType, 'School') {}

export function toSchoolType(s: School): SchoolType {
  return Object.assign(new SchoolType(), {
    id: s.id,
    authorityId: s.authorityId,
    urn: s.urn,
    name: s.name,
    type: s.type as SchoolTypeEnum,
    phase: s.phase,
  });
}
