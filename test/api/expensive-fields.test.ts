import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { oneExpensiveFieldRule } from '../../src/server/security';

/** One authority-wide computation per operation, however the operation is written. */
const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8'));
const codes = (query: string) =>
  validate(schema, parse(query), [oneExpensiveFieldRule]).map((e) => e.extensions.code);

describe('oneExpensiveFieldRule', () => {
  it('lets one expensive root field through', () => {
    expect(codes('{ indicators(asOf: "2026-03-02") { asOf } }')).toEqual([]);
    expect(codes('{ ... on Query { flags(asOf: "2026-03-02") { totalCount } } }')).toEqual([]);
  });

  it('refuses two, written directly, as aliases, in inline fragments or in fragment spreads', () => {
    const two = [
      '{ a: indicators(asOf: "2026-03-02") { asOf } b: indicators(asOf: "2026-03-03") { asOf } }',
      '{ ... on Query { a: indicators(asOf: "2026-03-02") { asOf } } ... on Query { b: indicators(asOf: "2026-03-03") { asOf } } }',
      '{ ...F } fragment F on Query { a: indicators(asOf: "2026-03-02") { asOf } b: flags(asOf: "2026-03-02") { totalCount } }',
      '{ indicators(asOf: "2026-03-02") { asOf } ...F } fragment F on Query { ... on Query { flags(asOf: "2026-03-02") { totalCount } } }',
    ];
    for (const q of two) expect(codes(q)).toEqual(['QUERY_TOO_EXPENSIVE']);
  });

  it('counts a report as one', () => {
    const report = (alias: string) =>
      `${alias}: generateReport(input: { kind: LA, format: PDF, authority: "801" }) { fileName }`;
    expect(codes(`mutation { ${report('a')} ${report('b')} }`)).toEqual(['QUERY_TOO_EXPENSIVE']);
  });
});
