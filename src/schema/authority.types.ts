import { Field, ObjectType } from 'type-graphql';
import { Authority, CalendarEntry } from '../entities';
import { Connection } from './connection.types';
import { CalendarKindEnum } from './enums';
import { DateTime, LocalDate } from './scalars';

@ObjectType('CalendarEntry', {
  simpleResolvers: true,
  description:
    "A term or a closure in an authority's school calendar; school days are term weekdays outside closures.",
})
export class CalendarEntryType {
  @Field(() => LocalDate, { description: 'First day (inclusive).' })
  startDate: string;

  @Field(() => LocalDate, { description: 'Last day (inclusive).' })
  endDate: string;

  @Field(() => CalendarKindEnum)
  kind: CalendarKindEnum;

  @Field(() => String, { nullable: true, description: 'e.g. "Autumn 1", "INSET day".' })
  label: string | null;
}

@ObjectType('Authority', {
  simpleResolvers: true,
  description: 'A local authority (LA), identified by its 3-digit LA code.',
})
export class AuthorityType {
  /** Surrogate id, for loaders only; the API identifies authorities by laCode. */
  id: number;

  @Field({ description: 'DfE local authority code, 3 digits (e.g. 802).' })
  laCode: string;

  @Field()
  name: string;

  @Field(() => DateTime, { description: 'When the record was created in the hub.' })
  createdAt: Date;

  @Field(() => DateTime, { description: 'When the record was last changed in the hub.' })
  updatedAt: Date;
}

@ObjectType({ simpleResolvers: true })
export class AuthorityConnection extends Connection(AuthorityType, 'Authority') {}

export function toAuthorityType(a: Authority): AuthorityType {
  return Object.assign(new AuthorityType(), {
    id: a.id,
    laCode: a.laCode,
    name: a.name,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  });
}

export function toCalendarEntryType(c: CalendarEntry): CalendarEntryType {
  return Object.assign(new CalendarEntryType(), {
    startDate: c.startDate,
    endDate: c.endDate,
    kind: c.kind as CalendarKindEnum,
    label: c.label,
  });
}
