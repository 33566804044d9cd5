import { GraphQLError, locatedError } from 'graphql';
import { Authority, Placement } from '../../src/entities';
import { guardWrite, RecordError } from '../../src/records/record-errors';
import { formatError } from '../../src/server/format-error';
import { startTestApi, TestApi } from '../support/api-server';
import { factories } from '../support/factories';

describe('formatError', () => {
  it('masks an unexpected error: no message, stack or SQL reaches the client', () => {
    const raw = new Error(
      'duplicate key value violates unique constraint "x" INSERT INTO "pupil" VALUES ($1)',
    );
    const error = locatedError(raw, null, ['pupils']);
    const out = formatError(
      { message: error.message, path: ['pupils'], extensions: { code: 'X', stacktrace: ['at ...'] } },
      error,
    );
    expect(out).toEqual({
      message: 'Internal server error',
      path: ['pupils'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('keeps the code and field of a DomainError', () => {
    const error = locatedError(
      new RecordError('NOT_FOUND', 'provider X does not exist', 'providerRef'),
      null,
      ['m'],
    );
    expect(formatError({ message: error.message }, error)).toMatchObject({
      message: 'provider X does not exist',
      extensions: { code: 'NOT_FOUND', field: 'providerRef' },
    });
  });

  it('masks a GraphQLError thrown inside a resolver that is not a client error', () => {
    const error = locatedError(new GraphQLError('internal detail'), null, ['x']);
    expect(formatError({ message: error.message }, error).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
    });
  });
});

describe('the database as the last line of defence', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('turns unique and check violations into RecordErrors naming the field', async () => {
    const f = factories(api.db);
    await f.authority({ laCode: '802' });
    await f.provider({ providerRef: 'P' });
    const pupil = await f.pupil({ laCode: '802' });
    await f.placement({ placementRef: 'PL', upn: pupil.upn, providerRef: 'P' });
    const repo = api.db.dataSource.getRepository(Authority);
    // Straight to the repository, skipping the service's own checks, as a concurrent write would.
    await expect(guardWrite(() => repo.insert({ laCode: '802', name: 'Twin' }))).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'laCode',
    });
    const placements = api.db.dataSource.getRepository(Placement);
    await expect(
      guardWrite(() => placements.update({ placementRef: 'PL' }, { hoursPerWeek: 50 })),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'hoursPerWeek' });
    await expect(
      guardWrite(() => placements.update({ placementRef: 'PL' }, { endDate: '2000-01-01' })),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'endDate' });
  });
});

describe('an unexpected failure over HTTP', () => {
  it('answers INTERNAL_SERVER_ERROR without the cause', async () => {
    const api = await startTestApi();
    try {
      // The database goes away under a running server.
      await api.db.dataSource.destroy();
      // deciding who is asking is the first thing to fail
      const res = await api.gql(`{ authorities { totalCount } }`);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.errors).toHaveLength(1);
      expect(res.errors?.[0].extensions?.code).toMatch(/^(INTERNAL_SERVER_ERROR|DATABASE_UNAVAILABLE)$/);
      expect(JSON.stringify(res.errors)).not.toMatch(/SELECT|api_token|at .*\.(js|ts)/);
    } finally {
      await api.close();
    }
  });
});
