import { Field, ObjectType } from 'type-graphql';
import { Destination, Pupil } from '../entities';
import { Connection } from './connection.types';
import { DestinationActivityEnum, GenderEnum, SenStatusEnum } from './enums';
import { LocalDate, UpnScalar } from './scalars';

@ObjectType('Pupil', {
  simpleResolvers: true,
  description:
    'A pupil, identified by UPN. Year group, key stage and compulsory school age are derived from the date of birth at a date you choose (default today in Europe/London), never stored.',
})
export class PupilType {
  id: number;
  authorityId: number;
  schoolId: number | null;

  @Field(() => UpnScalar)
  upn: string;

  @Field()
  firstName: string;

  @Field()
  lastName: string;

  @Field(() => LocalDate)
  dateOfBirth: string;

  @Field({ description: 'Electively home educated.' })
  homeEducated: boolean;

  @Field(() => GenderEnum, { nullable: true })
  gender: GenderEnum | null;

  @Field(() => SenStatusEnum)
  senStatus: SenStatusEnum;

  @Field({ description: 'Looked after by the local authority.' })
  lookedAfter: boolean;

  @Field({ description: 'Eligible for free school meals.' })
  fsm: boolean;
}

@ObjectType('Destination', {
  simpleResolvers: true,
  description: 'What a Year 11 leaver is doing, recorded on a date.',
})
export class DestinationType {
  @Field(() => LocalDate)
  recordedOn: string;

  @Field(() => DestinationActivityEnum)
  activity: DestinationActivityEnum;

  @Field(() => String, { nullable: true, description: 'Where (college, employer, training provider).' })
  providerName: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the destination was sustained.' })
  sustained: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class PupilConnection extends Connection(PupilType, 'Pupil') {}

export function toPupilType(p: Pupil): PupilType {
  return Object.assign(new PupilType(), {
    id: p.id,
    authorityId: p.authorityId,
    schoolId: p.schoolId,
    upn: p.upn,
    firstName: p.firstName,
    lastName: p.lastName,
    dateOfBirth: p.dateOfBirth,
    homeEducated: p.homeEducated,
    gender: p.gender as GenderEnum | null,
    senStatus: p.senStatus as SenStatusEnum,
    lookedAfter: p.lookedAfter,
    fsm: p.fsm,
  });
}

export function toDestinationType(d: Destination): DestinationType {
  return Object.assign(new DestinationType(), {
    recordedOn: d.recordedOn,
    activity: d.activity as DestinationActivityEnum,
    providerName: d.providerName,
    sustained: d.sustained,
  });
}
