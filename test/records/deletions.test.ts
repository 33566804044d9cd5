import { localAdministrator } from '../../src/auth/principal';
import { makeUpn } from '../../src/domain/upn';
import { importFile, submitAttendance } from '../../src/ingest';
import { expectGraphQLError, startTestApi, TestApi } from '../support/api-server';
import { Factories, factories } from '../support/factories';

/**
 * Every delete mutation through the API, by a caller who may and by callers who may not (another
 * role, or the right role outside its scope). A deletion removes the record, keeps a deletion version
 * naming the caller (migration RecordVersions) and an audit row with the record before.
 */
let api: TestApi;
let f: Factories;
const admin = localAdministrator('test');
const U1 = makeUpn('801200007001');
const U2 = makeUpn('802200007002');
const tokens: Record<string, string> = {};

const expectError = expectGraphQLError;

async function deletionVersions(table: string, id: number) {
  return api.db.dataSource.query(
    `SELECT v_by, v_change, v_deleted FROM ${table}_version WHERE id = $1 AND v_deleted ORDER BY v_id`,
    [id],
  );
}

async function lastAudit(operation: string) {
  const [row] = await api.db.dataSource.query(
    `SELECT actor, action, subjects, before, after FROM audit_event WHERE operation = $1 ORDER BY id DESC LIMIT 1`,
    [operation],
  );
  return row;
}

async function exists(sql: string, params: unknown[]): Promise<boolean> {
  return (await api.db.dataSource.query(sql, params)).length > 0;
}

beforeAll(async () => {
  api = await startTestApi();
  f = factories(api.db);
  await f.authority({ laCode: '801', name: 'Authority A' });
  await f.authority({ laCode: '802', name: 'Authority B' });
  await f.school({ urn: '180001', laCode: '801' });
  await f.school({ urn: '180002', laCode: '801' });
  await f.provider({ providerRef: 'P1' });
  await f.provider({ providerRef: 'P2' });
  await f.pupil({ upn: U1, laCode: '801', schoolUrn: '180001' });
  await f.pupil({ upn: U2, laCode: '802' });
  const calendar = [
    'la_code,start_date,end_date,kind,label',
    '801,2026-01-05,2026-02-13,term,Spring 1',
    '801,2026-02-02,2026-02-02,closure,INSET',
    '802,2026-01-05,2026-02-13,term,Spring 1',
  ].join('\n');
  const imported = await importFile(api.db, admin, 'calendar', { content: Buffer.from(calendar) });
  expect(imported.errors).toEqual([]);
  for (const [ref, upn, provider, urn] of [
    ['PL-A', U1, 'P1', '180001'],
    ['PL-A2', U1, 'P1', '180001'],
    ['PL-B', U2, 'P2', null],
  ] as const)
    await f.placement({ placementRef: ref, upn, providerRef: provider, commissionerSchoolUrn: urn });
  for (const ref of ['PL-A', 'PL-A2', 'PL-B']) {
    await f.target({ placementRef: ref, targetRef: 'T1' });
    await f.review({ placementRef: ref, reviewDate: '2026-01-20' });
  }
  await f.destination({ upn: U1, recordedOn: '2026-07-01', activity: 'education' });
  await f.destination({ upn: U2, recordedOn: '2026-07-01', activity: 'training' });
  await f.evidence({ providerRef: 'P1', item: 'dsl', status: 'held', evidenceDate: '2025-09-01' });
  await f.visit({ providerRef: 'P1', visitDate: '2026-01-12', visitor: 'school' });
  const marks = await submitAttendance(api.db, admin, {
    date: '2026-01-06',
    session: 'AM',
    marks: [
      { placementRef: 'PL-A', code: '/' },
      { placementRef: 'PL-A2', code: '/' },
      { placementRef: 'PL-B', code: '/' },
    ],
  });
  expect(marks.errors).toEqual([]);

  tokens.officerA = await api.tokenFor('la_officer', { username: 'officer-a', authorities: ['801'] });
  tokens.officerB = await api.tokenFor('la_officer', { username: 'officer-b', authorities: ['802'] });
  tokens.school1 = await api.tokenFor('school', { username: 'school-1', schoolUrn: '180001' });
  tokens.school2 = await api.tokenFor('school', { username: 'school-2', schoolUrn: '180002' });
  tokens.provider1 = await api.tokenFor('provider', { username: 'provider-1', providerRef: 'P1' });
  tokens.provider2 = await api.tokenFor('provider', { username: 'provider-2', providerRef: 'P2' });
  tokens.governor = await api.tokenFor('governor', { username: 'governor-1', schoolUrn: '180001' });
});

afterAll(async () => {
  await api.close();
});

const DELETE_PLACEMENT = `mutation ($ref: String!) { deletePlacement(placementRef: $ref) { placementRef pupil { upn } } }`;

describe('deletePlacement', () => {
  it('is refused to a provider, and outside a school or officer scope the placement does not exist', async () => {
    expectError(await api.gqlAs(tokens.provider1, DELETE_PLACEMENT, { ref: 'PL-A2' }), 'FORBIDDEN');
    expectError(await api.gqlAs(tokens.governor, DELETE_PLACEMENT, { ref: 'PL-A2' }), 'FORBIDDEN');
    expectError(await api.gqlAs(tokens.school2, DELETE_PLACEMENT, { ref: 'PL-A2' }), 'NOT_FOUND');
    expectError(await api.gqlAs(tokens.officerB, DELETE_PLACEMENT, { ref: 'PL-A2' }), 'NOT_FOUND');
    expectError(await api.gql(DELETE_PLACEMENT, { ref: 'PL-NONE' }), 'NOT_FOUND', /PL-NONE does not exist/);
    expect(await exists(`SELECT 1 FROM placement WHERE placement_ref = 'PL-A2'`, [])).toBe(true);
  });

  it('by its commissioning school: gone with its plan, marks closed, deletion versions kept', async () => {
    const [{ id }] = await api.db.dataSource.query(`SELECT id FROM placement WHERE placement_ref = 'PL-A2'`);
    const res = await api.gqlAs(tokens.school1, DELETE_PLACEMENT, { ref: 'PL-A2' });
    expect(res.errors).toBeUndefined();
    expect(res.data.deletePlacement).toEqual({ placementRef: 'PL-A2', pupil: { upn: U1 } });

    expect(await exists('SELECT 1 FROM placement WHERE id = $1', [id])).toBe(false);
    expect(await exists('SELECT 1 FROM target WHERE placement_id = $1', [id])).toBe(false);
    expect(await exists('SELECT 1 FROM review WHERE placement_id = $1', [id])).toBe(false);
    expect(await deletionVersions('placement', id)).toEqual([
      { v_by: 'school-1', v_change: 'delete', v_deleted: true },
    ]);
    const [targetVersion] = await api.db.dataSource.query(
      'SELECT v_by, v_deleted FROM target_version WHERE placement_id = $1 AND v_deleted',
      [id],
    );
    expect(targetVersion).toEqual({ v_by: 'school-1', v_deleted: true });
    // the marks stay as history, closed; the span stays with them
    const marks = await api.db.dataSource.query(
      'SELECT code, superseded_at FROM attendance WHERE placement_id = $1',
      [id],
    );
    expect(marks).toHaveLength(1);
    expect(marks[0].superseded_at).toBeInstanceOf(Date);
    expect(await exists('SELECT 1 FROM attendance_span WHERE placement_id = $1', [id])).toBe(true);

    const audit = await lastAudit('delete placement');
    expect(audit).toMatchObject({ actor: 'school-1', action: 'delete', subjects: ['PL-A2'], after: null });
    expect(audit.before).toMatchObject({ placementRef: 'PL-A2', providerId: expect.any(Number) });
    // the others' records are untouched
    expect(await exists(`SELECT 1 FROM placement WHERE placement_ref IN ('PL-A', 'PL-B')`, [])).toBe(true);
    expect(
      await api.db.dataSource.query('SELECT count(*)::int AS n FROM attendance WHERE superseded_at IS NULL'),
    ).toEqual([{ n: 2 }]);
  });
});

const DELETE_TARGET = `mutation ($ref: String!, $t: String!) { deleteTarget(placementRef: $ref, targetRef: $t) { targetRef description } }`;

describe('deleteTarget', () => {
  it('is refused to a governor, NOT_FOUND to another provider and for a target that is not there', async () => {
    expectError(await api.gqlAs(tokens.governor, DELETE_TARGET, { ref: 'PL-A', t: 'T1' }), 'FORBIDDEN');
    expectError(
      await api.gqlAs(tokens.provider2, DELETE_TARGET, { ref: 'PL-A', t: 'T1' }),
      'NOT_FOUND',
      /placement PL-A does not exist/,
    );
    expectError(await api.gqlAs(tokens.provider1, DELETE_TARGET, { ref: 'PL-A', t: 'T9' }), 'NOT_FOUND');
  });

  it('by the placement’s provider, with a deletion version', async () => {
    const [{ id }] = await api.db.dataSource.query(
      `SELECT t.id FROM target t JOIN placement p ON p.id = t.placement_id WHERE p.placement_ref = 'PL-A'`,
    );
    const res = await api.gqlAs(tokens.provider1, DELETE_TARGET, { ref: 'PL-A', t: 'T1' });
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteTarget.targetRef).toBe('T1');
    expect(await exists('SELECT 1 FROM target WHERE id = $1', [id])).toBe(false);
    expect(await deletionVersions('target', id)).toEqual([
      { v_by: 'provider-1', v_change: 'delete', v_deleted: true },
    ]);
    expect(await lastAudit('delete target')).toMatchObject({ actor: 'provider-1', subjects: ['PL-A/T1'] });
  });
});

const DELETE_REVIEW = `mutation ($ref: String!, $d: LocalDate!) { deleteReview(placementRef: $ref, reviewDate: $d) { reviewDate } }`;

describe('deleteReview', () => {
  it('is NOT_FOUND to an officer of another authority; done by the authority’s officer', async () => {
    expectError(
      await api.gqlAs(tokens.officerB, DELETE_REVIEW, { ref: 'PL-A', d: '2026-01-20' }),
      'NOT_FOUND',
    );
    expectError(
      await api.gqlAs(tokens.officerA, DELETE_REVIEW, { ref: 'PL-A', d: '2026-01-21' }),
      'NOT_FOUND',
    );
    const [{ id }] = await api.db.dataSource.query(
      `SELECT r.id FROM review r JOIN placement p ON p.id = r.placement_id WHERE p.placement_ref = 'PL-A'`,
    );
    const res = await api.gqlAs(tokens.officerA, DELETE_REVIEW, { ref: 'PL-A', d: '2026-01-20' });
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteReview).toEqual({ reviewDate: '2026-01-20' });
    expect(await deletionVersions('review', id)).toEqual([
      { v_by: 'officer-a', v_change: 'delete', v_deleted: true },
    ]);
  });
});

const DELETE_DESTINATION = `mutation ($upn: UPN!, $d: LocalDate!) { deleteDestination(upn: $upn, recordedOn: $d) { recordedOn activity } }`;

describe('deleteDestination', () => {
  it('is refused to a provider; another school does not see the pupil; the pupil’s school deletes it', async () => {
    const vars = { upn: U1, d: '2026-07-01' };
    expectError(await api.gqlAs(tokens.provider1, DELETE_DESTINATION, vars), 'FORBIDDEN');
    expectError(
      await api.gqlAs(tokens.school2, DELETE_DESTINATION, vars),
      'NOT_FOUND',
      /pupil .* does not exist/,
    );
    const [{ id }] = await api.db.dataSource.query(
      'SELECT d.id FROM destination d JOIN pupil p ON p.id = d.pupil_id WHERE p.upn = $1',
      [U1],
    );
    const res = await api.gqlAs(tokens.school1, DELETE_DESTINATION, vars);
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteDestination).toEqual({ recordedOn: '2026-07-01', activity: 'EDUCATION' });
    expect(await deletionVersions('destination', id)).toEqual([
      { v_by: 'school-1', v_change: 'delete', v_deleted: true },
    ]);
    expectError(await api.gqlAs(tokens.school1, DELETE_DESTINATION, vars), 'NOT_FOUND');
  });
});

const DELETE_VISIT = `mutation ($p: String!, $d: LocalDate!) { deleteProviderVisit(providerRef: $p, visitDate: $d, visitor: SCHOOL) { visitDate visitor } }`;

describe('deleteProviderVisit', () => {
  it('is refused to a provider; a school deletes it', async () => {
    expectError(await api.gqlAs(tokens.provider1, DELETE_VISIT, { p: 'P1', d: '2026-01-12' }), 'FORBIDDEN');
    expectError(await api.gqlAs(tokens.school1, DELETE_VISIT, { p: 'P1', d: '2026-01-13' }), 'NOT_FOUND');
    const [{ id }] = await api.db.dataSource.query(
      `SELECT id FROM provider_visit WHERE visit_date = '2026-01-12'`,
    );
    const res = await api.gqlAs(tokens.school1, DELETE_VISIT, { p: 'P1', d: '2026-01-12' });
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteProviderVisit).toEqual({ visitDate: '2026-01-12', visitor: 'SCHOOL' });
    expect(await deletionVersions('provider_visit', id)).toEqual([
      { v_by: 'school-1', v_change: 'delete', v_deleted: true },
    ]);
  });
});

const DELETE_EVIDENCE = `mutation ($p: String!) { deleteProviderEvidence(providerRef: $p, item: DSL) { item status } }`;

describe('deleteProviderEvidence', () => {
  it('is refused to a school; an officer deletes it; an unknown provider is NOT_FOUND', async () => {
    expectError(await api.gqlAs(tokens.school1, DELETE_EVIDENCE, { p: 'P1' }), 'FORBIDDEN');
    expectError(await api.gqlAs(tokens.officerA, DELETE_EVIDENCE, { p: 'P9' }), 'NOT_FOUND');
    expectError(await api.gqlAs(tokens.officerA, DELETE_EVIDENCE, { p: 'P2' }), 'NOT_FOUND');
    const [{ id }] = await api.db.dataSource.query(`SELECT id FROM provider_evidence WHERE item = 'dsl'`);
    const res = await api.gqlAs(tokens.officerA, DELETE_EVIDENCE, { p: 'P1' });
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteProviderEvidence).toEqual({ item: 'DSL', status: 'HELD' });
    expect(await deletionVersions('provider_evidence', id)).toEqual([
      { v_by: 'officer-a', v_change: 'delete', v_deleted: true },
    ]);
  });
});

const DELETE_CALENDAR = `mutation ($la: String!, $d: LocalDate!) { deleteCalendarEntry(laCode: $la, startDate: $d, kind: CLOSURE) { startDate kind label } }`;

describe('deleteCalendarEntry', () => {
  it('is refused to a school and to another authority’s officer; the authority’s officer deletes it', async () => {
    const vars = { la: '801', d: '2026-02-02' };
    expectError(await api.gqlAs(tokens.school1, DELETE_CALENDAR, vars), 'FORBIDDEN');
    expectError(await api.gqlAs(tokens.officerB, DELETE_CALENDAR, vars), 'FORBIDDEN', /authority 801/);
    expectError(
      await api.gqlAs(tokens.officerA, DELETE_CALENDAR, { la: '801', d: '2026-02-03' }),
      'NOT_FOUND',
    );
    const [{ id }] = await api.db.dataSource.query(`SELECT id FROM calendar_entry WHERE kind = 'closure'`);
    const res = await api.gqlAs(tokens.officerA, DELETE_CALENDAR, vars);
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteCalendarEntry).toEqual({
      startDate: '2026-02-02',
      kind: 'CLOSURE',
      label: 'INSET',
    });
    expect(await deletionVersions('calendar_entry', id)).toEqual([
      { v_by: 'officer-a', v_change: 'delete', v_deleted: true },
    ]);
    expect(await lastAudit('delete calendar')).toMatchObject({ subjects: ['801/2026-02-02/closure'] });
  });
});

const DELETE_MARK = `mutation ($ref: String!) { deleteAttendanceMark(placementRef: $ref, date: "2026-01-06", session: AM) { sessionDate session code supersededAt } }`;
const HISTORY = `query ($ref: String!) { attendanceHistory(placementRef: $ref) { sessionDate session code supersededAt } }`;

describe('deleteAttendanceMark', () => {
  it('is refused to a school, and NOT_FOUND to another provider and another authority', async () => {
    expectError(await api.gqlAs(tokens.school1, DELETE_MARK, { ref: 'PL-B' }), 'FORBIDDEN');
    expectError(await api.gqlAs(tokens.provider1, DELETE_MARK, { ref: 'PL-B' }), 'NOT_FOUND');
    expectError(await api.gqlAs(tokens.officerA, DELETE_MARK, { ref: 'PL-B' }), 'NOT_FOUND');
  });

  it('by the provider: the current version is closed, none replaces it, the history keeps it', async () => {
    const res = await api.gqlAs(tokens.provider2, DELETE_MARK, { ref: 'PL-B' });
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteAttendanceMark).toMatchObject({
      sessionDate: '2026-01-06',
      session: 'AM',
      code: '/',
    });
    expect(res.data.deleteAttendanceMark.supersededAt).toEqual(expect.any(String));
    const history = await api.gql(HISTORY, { ref: 'PL-B' });
    expect(history.data.attendanceHistory).toEqual([res.data.deleteAttendanceMark]);
    expect(await lastAudit('delete attendance')).toMatchObject({
      actor: 'provider-2',
      subjects: ['PL-B/2026-01-06/AM'],
      before: expect.objectContaining({ code: '/', supersededAt: null }),
    });
    // no current mark now: deleting again finds none
    expectError(await api.gqlAs(tokens.provider2, DELETE_MARK, { ref: 'PL-B' }), 'NOT_FOUND');
    // a later register marks the session again, as a new current version
    const again = await submitAttendance(api.db, admin, {
      date: '2026-01-06',
      session: 'AM',
      marks: [{ placementRef: 'PL-B', code: 'B' }],
    });
    expect(again.errors).toEqual([]);
    const after = await api.gql(HISTORY, { ref: 'PL-B' });
    expect(after.data.attendanceHistory.map((v: { code: string }) => v.code)).toEqual(['/', 'B']);
    expect(after.data.attendanceHistory[1].supersededAt).toBeNull();
  });

  it('by the authority’s officer', async () => {
    const res = await api.gqlAs(tokens.officerA, DELETE_MARK, { ref: 'PL-A' });
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteAttendanceMark.code).toBe('/');
  });
});

const ERASE = `mutation ($upn: UPN!) { erasePupil(upn: $upn) { pupilId removed { table rows } auditRowsRedacted } }`;
const RETENTION = `query ($on: LocalDate) { pupilsPastRetention(on: $on) { upn laCode lastPlacementEnded keptUntil retentionYears } }`;

describe('erasePupil and pupilsPastRetention', () => {
  it('are refused to everyone but administrators', async () => {
    expectError(await api.gqlAs(tokens.officerB, ERASE, { upn: U2 }), 'FORBIDDEN');
    expectError(await api.gqlAs(tokens.officerA, RETENTION, {}), 'FORBIDDEN');
    expect(await exists('SELECT 1 FROM pupil WHERE upn = $1', [U2])).toBe(true);
  });

  it('an administrator lists and erases', async () => {
    // U2 (born 2011-10-01) is kept while a placement is open, then until 7 years after their 18th birthday
    const open = await api.gql(RETENTION, { on: '2036-10-02' });
    expect(open.data.pupilsPastRetention.map((r: { upn: string }) => r.upn)).not.toContain(U2);
    const ended = await api.gql(
      `mutation { updatePlacement(placementRef: "PL-B", input: { endDate: "2026-03-01" }) { endDate } }`,
    );
    expect(ended.errors).toBeUndefined();
    const listed = await api.gql(RETENTION, { on: '2036-10-02' });
    expect(listed.errors).toBeUndefined();
    expect(listed.data.pupilsPastRetention).toContainEqual({
      upn: U2,
      laCode: '802',
      lastPlacementEnded: '2026-03-01',
      keptUntil: '2036-10-01',
      retentionYears: 7,
    });
    const [{ id }] = await api.db.dataSource.query('SELECT id FROM pupil WHERE upn = $1', [U2]);
    const res = await api.gql(ERASE, { upn: U2 });
    expect(res.errors).toBeUndefined();
    expect(res.data.erasePupil.pupilId).toBe(id);
    expect(res.data.erasePupil.removed).toContainEqual({ table: 'pupil', rows: 1 });
    expect(await exists('SELECT 1 FROM pupil_version WHERE upn = $1', [U2])).toBe(false);
    expectError(await api.gql(ERASE, { upn: U2 }), 'NOT_FOUND');
  });
});
