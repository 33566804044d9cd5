import {
  GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { localAdministrator } from '../../src/auth/principal';
import { importFolder } from '../../src/ingest';
import { PLACEMENT_READS, PUPIL_READS, propertiesRead } from '../../src/resolvers/read-properties';
import { buildHubSchema } from '../../src/schema/build-schema';
import { StatementCounter, startTestApi, TestApi } from '../support/api-server';
import { EXAMPLE } from '../support/example';

/**
 * The placements list reads only the columns its selected fields need (src/resolvers/read-properties.ts).
 * Every field of the records it reads (placement, its pupil, the pupil's school, the provider) is asked
 * alone through the list and through `placement(placementRef)`, which reads whole records: the answers
 * must be the same. A field computed from a column that the map of its type does not name answers
 * differently here.
 */

let api: TestApi;
let schema: GraphQLSchema;
let refs: string[];
const counter = new StatementCounter();

beforeAll(async () => {
  api = await startTestApi({ logger: counter });
  const results = await importFolder(api.db, localAdministrator(), EXAMPLE);
  expect(results.flatMap((r) => r.errors)).toEqual([]);
  schema = await buildHubSchema();
  const res = await api.gql('{ placements(first: 12) { nodes { placementRef } } }');
  refs = res.data.placements.nodes.map((n: { placementRef: string }) => n.placementRef);
  expect(refs.length).toBeGreaterThan(5);
}, 120_000);

afterAll(() => api?.close());

const takesNoArguments = (f: GraphQLField<unknown, unknown>) => f.args.every((a) => !isNonNullType(a.type));

/** A selection of `field` alone: a leaf as it is, an object by its first leaf field. */
function selectionOf(field: GraphQLField<unknown, unknown>): string | null {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return field.name;
  if (!isObjectType(type)) return null;
  const leaf = Object.values(type.getFields()).find(
    (f) => isLeafType(getNamedType(f.type)) && takesNoArguments(f),
  );
  return leaf ? `${field.name} { ${leaf.name} }` : null;
}

function fieldsOf(typeName: string): string[] {
  const type = schema.getType(typeName) as GraphQLObjectType;
  return Object.values(type.getFields())
    .filter(takesNoArguments)
    .map(selectionOf)
    .filter((s): s is string => s !== null);
}

/** Each node of the list, and the same placements read one by one, with `inner` at `path`. */
async function bothWays(wrap: (inner: string) => string, inner: string) {
  const listed = await api.gql(`{ placements(first: 12) { nodes { placementRef ${wrap(inner)} } } }`);
  expect(listed.errors).toBeUndefined();
  const one = await api.gql(
    `{ ${refs.map((ref, i) => `p${i}: placement(placementRef: "${ref}") { placementRef ${wrap(inner)} }`).join(' ')} }`,
  );
  expect(one.errors).toBeUndefined();
  return { listed: listed.data.placements.nodes, one: refs.map((_r, i) => one.data[`p${i}`]) };
}

describe('the placements list answers every field as a whole-record read does', () => {
  const cases: [string, (inner: string) => string][] = [
    ['Placement', (inner) => inner],
    ['Pupil', (inner) => `pupil { upn ${inner} }`],
    ['School', (inner) => `pupil { school { urn ${inner} } }`],
    ['Provider', (inner) => `provider { providerRef ${inner} }`],
  ];
  for (const [typeName, wrap] of cases)
    test(`every field of ${typeName}`, async () => {
      const fields = fieldsOf(typeName);
      expect(fields.length).toBeGreaterThan(3);
      for (const field of fields) {
        const { listed, one } = await bothWays(wrap, field);
        expect({ field, answers: listed }).toEqual({ field, answers: one });
      }
    });

  test('a page of the three-level list reads the columns of its fields, not every column', async () => {
    counter.reset();
    const res = await api.gql(
      '{ placements(first: 50) { nodes { placementRef pupil { upn school { name } } provider { name } } } }',
    );
    expect(res.errors).toBeUndefined();
    const [read] = counter.oneTripReads;
    expect(read).toMatch(/pl\."placement_ref".*p\."upn".*s\."name".*pr\."name"/s);
    for (const column of ['first_name', 'date_of_birth', 'objectives', 'weekly_cost_pence', 'postcode'])
      expect(read).not.toContain(`"${column}"`);
  });

  test('a field the maps do not know reads every column of its record', () => {
    const ds = api.db.dataSource;
    expect(
      [...(propertiesRead(ds, new Set(['__typename', 'active', 'pupil']), PLACEMENT_READS) ?? [])].sort(),
    ).toEqual(['endDate', 'placementRef', 'pupilId', 'startDate'].sort());
    expect([...(propertiesRead(ds, new Set(['firstName']), PUPIL_READS) ?? [])].sort()).toEqual([
      'firstName',
      'upn',
    ]);
    // a field another resolver adds, or one added later, is not known: every column is read
    expect(propertiesRead(ds, new Set(['placementRef', 'someFieldAddedLater']), PLACEMENT_READS)).toBeNull();
  });
});
