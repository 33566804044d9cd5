import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { Placement, Provider, Pupil, School } from '../entities';
import type { Properties } from '../records/placement.service';

/**
 * What the fields of an API object read of its entity, where that is not the property of the field's
 * own name: fields computed from other properties and relations reached by a key (`[]`: the id, which
 * always comes). `always` is read whatever is selected: the read audit notes each Pupil's and
 * Placement's key as any of its fields resolves (src/audit/read-audit.plugin.ts).
 */
interface FieldReads {
  entity: EntityTarget<ObjectLiteral>;
  always: readonly string[];
  computed: Readonly<Record<string, readonly string[]>>;
}

export const PLACEMENT_READS: FieldReads = {
  entity: Placement,
  always: ['placementRef'],
  computed: {
    pupil: ['pupilId'],
    provider: ['providerId'],
    commissionerSchool: ['commissionerSchoolId'],
    active: ['startDate', 'endDate'],
    weeklyCostPounds: ['weeklyCostPence'],
    targets: [],
    reviews: [],
  },
};

export const PUPIL_READS: FieldReads = {
  entity: Pupil,
  always: ['upn'],
  computed: {
    ncYear: ['dateOfBirth'],
    keyStage: ['dateOfBirth'],
    compulsorySchoolAge: ['dateOfBirth'],
    school: ['schoolId'],
    authority: ['authorityId'],
    placements: [],
    destinations: [],
  },
};

export const SCHOOL_READS: FieldReads = {
  entity: School,
  always: [],
  computed: { authority: ['authorityId'] },
};

export const PROVIDER_READS: FieldReads = {
  entity: Provider,
  always: [],
  computed: { evidence: [], visits: [] },
};

/**
 * The entity properties that the selected fields of an object read: each field's own property, or
 * what `computed` says it reads. Null (every column) as soon as one field is neither: a field that
 * another resolver adds is not known here, and reading everything is always right.
 */
export function propertiesRead(ds: DataSource, fields: ReadonlySet<string>, reads: FieldReads): Properties {
  const columns = new Set(ds.getMetadata(reads.entity).columns.map((c) => c.propertyName));
  const read = new Set(reads.always);
  for (const field of fields) {
    if (field === '__typename') continue;
    const computed = reads.computed[field];
    if (computed) for (const p of computed) read.add(p);
    else if (columns.has(field)) read.add(field);
    else return null;
  }
  return [...read];
}
