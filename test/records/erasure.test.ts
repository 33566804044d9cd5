import { listAudit, recordAudit } from '../../src/audit/audit.service';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { makeUpn } from '../../src/domain/upn';
import { importFile, submitAttendance } from '../../src/ingest';
import { DeletionService } from '../../src/records/deletion.service';
import { erasedMark, erasePupil, pupilsPastRetention } from '../../src/records/erasure.service';
import { PlacementService } from '../../src/records/placement.service';
import { PupilService } from '../../src/records/pupil.service';
import { updateSettings } from '../../src/settings/settings.service';
import { createTestDatabase } from '../support/database';
import { factories } from '../support/factories';
import { testPrincipal } from '../support/principals';
import { holdStatement, untilWaitingOrDone } from '../support/statement-gate';

/**
 * Erasure of a pupil on a database where they have every kind of record and history: versions of
 * their pupil and placement rows, a deleted placement, corrected and deleted marks, a placement moved
 * to another pupil, audit rows of changes and reads. Afterwards no table, version table or audit row
 * holds their UPN, names, placement references or ids; one audit row records the erasure.
 */
let db: Database;
const admin = localAdministrator('test-admin');
const ERASED = makeUpn('801200008001');
const KEPT = makeUpn('801200008002');
const ERASED_TEXT = [ERASED, 'Zebedee', 'Quillfeather', 'ERZ-PL1', 'ERZ-PL2'];
let erasedId: number;
let erasedPlacements: number[];

async function tables(): Promise<string[]> {
  const rows: { table_name: string }[] = await db.dataSource.query(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

/** Tables with a row whose text holds one of `needles`, and how many rows. */
async function tablesHolding(needles: string[]): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const t of await tables()) {
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM "${t}" x WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE strpos(x::text, k) > 0)`,
      [needles],
    );
    if (n > 0) found[t] = n;
  }
  return found;
}

/** Rows of tables whose column `column` holds one of `ids`. */
async function rowsWithIds(column: string, ids: number[]): Promise<Record<string, number>> {
  const cols: { table_name: string }[] = await db.dataSource.query(
    `SELECT c.table_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.column_name = $1`,
    [column],
  );
  const found: Record<string, number> = {};
  for (const { table_name: t } of cols) {
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM "${t}" WHERE ${column} = ANY($1::int[])`,
      [ids],
    );
    if (n > 0) found[t] = n;
  }
  return found;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const f = factories(db);
  await f.authority({ laCode: '801', name: 'Authority A' });
  await f.school({ urn: '180001', laCode: '801' });
  await f.provider({ providerRef: 'P1' });
  const erased = await f.pupil({
    upn: ERASED,
    firstName: 'Zebedee',
    lastName: 'Quillfeather',
    laCode: '801',
    schoolUrn: '180001',
  });
  erasedId = erased.id;
  await f.pupil({ upn: KEPT, firstName: 'Marigold', lastName: 'Thistlewood', laCode: '801' });
  const calendar = 'la_code,start_date,end_date,kind,label\n801,2026-01-05,2026-02-13,term,Spring 1\n';
  expect((await importFile(db, admin, 'calendar', { content: Buffer.from(calendar) })).errors).toEqual([]);

  const pl1 = await f.placement({ placementRef: 'ERZ-PL1', upn: ERASED, providerRef: 'P1' });
  const pl2 = await f.placement({ placementRef: 'ERZ-PL2', upn: ERASED, providerRef: 'P1' });
  erasedPlacements = [pl1.id, pl2.id];
  await f.placement({ placementRef: 'ERZ-MOVED', upn: ERASED, providerRef: 'P1' });
  await f.target({ placementRef: 'ERZ-PL1', targetRef: 'T1' });
  await f.target({ placementRef: 'ERZ-PL1', targetRef: 'T2' });
  await f.review({ placementRef: 'ERZ-PL1', reviewDate: '2026-01-20' });
  await f.destination({ upn: ERASED, recordedOn: '2026-07-01', activity: 'education' });
  await f.destination({ upn: KEPT, recordedOn: '2026-07-01', activity: 'training' });
  const register = (date: string, code: string) =>
    submitAttendance(db, admin, {
      date,
      session: 'AM',
      marks: ['ERZ-PL1', 'ERZ-PL2', 'ERZ-MOVED'].map((placementRef) => ({ placementRef, code })),
    });
  expect((await register('2026-01-06', '/')).errors).toEqual([]);
  expect((await register('2026-01-07', '/')).errors).toEqual([]);
  expect((await register('2026-01-07', 'M')).errors).toEqual([]); // a correction: two versions

  // history: an update of the pupil and of a placement, a deleted target, a deleted mark, a deleted
  // placement, and a placement moved to another pupil
  await new PupilService(db.dataSource).update(admin, ERASED, { senStatus: 'sen_support' });
  const placements = new PlacementService(db.dataSource);
  await placements.update(admin, 'ERZ-PL1', { hoursPerWeek: 12 });
  await placements.update(admin, 'ERZ-MOVED', { upn: KEPT });
  const deletions = new DeletionService(db.dataSource);
  await deletions.deleteTarget(admin, 'ERZ-PL1', 'T2');
  await deletions.deleteAttendanceMark(admin, { placementRef: 'ERZ-PL1', date: '2026-01-06', session: 'AM' });
  await deletions.deletePlacement(admin, 'ERZ-PL2');

  // reads in the audit: one of both pupils, one searching the audit for the erased pupil
  await recordAudit(db.dataSource, admin, {
    action: 'read',
    operation: 'query pupils',
    subjectKind: 'pupil',
    subjects: [ERASED, KEPT, 'ERZ-PL1'],
    detail: { filter: { upn: ERASED } },
  });
  await listAudit(db.dataSource, admin, { subject: ERASED, limit: 5 });
  // a failed import whose message quoted the UPN
  await db.dataSource.query(
    `INSERT INTO import_run (kind, principal_name, principal_role, finished_at, outcome, message)
     VALUES ('pupils', 'test-admin', 'admin', now(), 'failed', $1)`,
    [`the database refused pupil ${ERASED}`],
  );
  // a flags export names its subjects by kind
  await recordAudit(db.dataSource, admin, {
    action: 'export',
    operation: 'flags',
    subjectKind: 'flag',
    subjects: [`pupil:${ERASED}`, 'placement:ERZ-PL1', `pupil:${KEPT}`],
    detail: { first: `pupil:${ERASED}` },
  });
});

afterAll(async () => {
  await db.close();
});

describe('erasePupil', () => {
  it('is for administrators only, and NOT_FOUND for a UPN the hub never had', async () => {
    const count = async () => (await db.dataSource.query('SELECT count(*)::int AS n FROM audit_event'))[0].n;
    const before = await count();
    await expect(
      erasePupil(db.dataSource, testPrincipal('la_officer', { authorities: ['801'] }), ERASED),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(erasePupil(db.dataSource, admin, makeUpn('801200008999'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await count()).toBe(before);
  });

  it('the data was there before: in records, versions, attendance and the audit', async () => {
    const holding = await tablesHolding(ERASED_TEXT);
    for (const t of ['pupil', 'pupil_version', 'placement', 'placement_version', 'audit_event', 'import_run'])
      expect(holding[t]).toBeGreaterThan(0);
    const byPupil = await rowsWithIds('pupil_id', [erasedId]);
    for (const t of ['placement', 'placement_version', 'destination', 'destination_version'])
      expect(byPupil[t]).toBeGreaterThan(0);
    const byPlacement = await rowsWithIds('placement_id', erasedPlacements);
    for (const t of ['attendance', 'attendance_span', 'target', 'target_version', 'review', 'review_version'])
      expect(byPlacement[t]).toBeGreaterThan(0);
  });

  it('removes every trace and keeps one audit row naming the internal id', async () => {
    const auditBefore: { n: number }[] = await db.dataSource.query(
      'SELECT id::int AS n FROM audit_event ORDER BY n',
    );
    const result = await erasePupil(db.dataSource, admin, ERASED);
    expect(result.pupilId).toBe(erasedId);
    expect(result.removed).toMatchObject({ pupil: 1, placement: 1, destination: 1, target: 1, review: 1 });
    expect(result.removed.attendance).toBe(6); // PL1: 2 versions of 07/01 and 06/01 closed; PL2: 2 closed
    expect(result.removed.pupil_version).toBeGreaterThanOrEqual(3); // insert, update, delete

    expect(await tablesHolding(ERASED_TEXT)).toEqual({});
    expect(await rowsWithIds('pupil_id', [erasedId])).toEqual({});
    expect(await rowsWithIds('placement_id', erasedPlacements)).toEqual({});
    for (const t of ['pupil', 'pupil_version'])
      expect(await db.dataSource.query(`SELECT 1 FROM ${t} WHERE id = $1`, [erasedId])).toEqual([]);
    for (const t of ['placement', 'placement_version'])
      expect(await db.dataSource.query(`SELECT 1 FROM ${t} WHERE id = ANY($1)`, [erasedPlacements])).toEqual(
        [],
      );

    // the audit kept every row, and added one
    const auditAfter: { n: number }[] = await db.dataSource.query(
      'SELECT id::int AS n FROM audit_event ORDER BY n',
    );
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(auditAfter).toHaveLength(auditBefore.length + 1);
    const mark = erasedMark(erasedId);
    const [erasure] = await db.dataSource.query(`SELECT * FROM audit_event WHERE operation = 'erase pupil'`);
    expect(erasure).toMatchObject({ actor: 'test-admin', action: 'delete', subjects: [mark], before: null });
    expect(erasure.detail).toMatchObject({
      pupilIds: [erasedId],
      auditRowsRedacted: result.auditRowsRedacted,
    });

    // earlier rows: the pupil's own lost their data, shared ones only the pupil's keys
    const [created] = await db.dataSource.query(
      `SELECT subjects, before, after FROM audit_event WHERE operation = 'create pupil' AND subjects = $1`,
      [[mark]],
    );
    expect(created).toEqual({ subjects: [mark], before: null, after: null });
    const [shared] = await db.dataSource.query(
      `SELECT subjects, subject_count, detail FROM audit_event WHERE operation = 'query pupils'`,
    );
    expect(shared).toEqual({ subjects: [mark, KEPT], subject_count: 2, detail: { filter: { upn: mark } } });
    const [exported] = await db.dataSource.query(
      `SELECT subjects, detail FROM audit_event WHERE operation = 'flags'`,
    );
    expect(exported).toEqual({ subjects: [mark, `pupil:${KEPT}`], detail: { first: `pupil:${mark}` } });
    const [kept] = await db.dataSource.query(
      `SELECT after FROM audit_event WHERE operation = 'create pupil' AND subjects = $1`,
      [[KEPT]],
    );
    expect(kept.after).toMatchObject({ upn: KEPT, firstName: 'Marigold' });
  });

  it('leaves the other pupil whole, with the placement moved to them', async () => {
    const [moved] = await db.dataSource.query(
      `SELECT pl.id, p.upn FROM placement pl JOIN pupil p ON p.id = pl.pupil_id WHERE pl.placement_ref = 'ERZ-MOVED'`,
    );
    expect(moved.upn).toBe(KEPT);
    const marks = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM attendance WHERE placement_id = $1 AND superseded_at IS NULL',
      [moved.id],
    );
    expect(marks).toEqual([{ n: 2 }]);
    const versions = await db.dataSource.query(
      'SELECT DISTINCT pupil_id FROM placement_version WHERE id = $1',
      [moved.id],
    );
    expect(versions).toHaveLength(1);
    expect(
      await db.dataSource.query(
        'SELECT 1 FROM destination d JOIN pupil p ON p.id = d.pupil_id WHERE p.upn = $1',
        [KEPT],
      ),
    ).toHaveLength(1);
  });

  it('the audit trail stays append-only outside an erasure', async () => {
    const refused = { driverError: expect.objectContaining({ code: '42501' }) };
    await expect(db.dataSource.query(`UPDATE audit_event SET actor = 'someone'`)).rejects.toMatchObject(
      refused,
    );
    await expect(db.dataSource.query(`DELETE FROM audit_event`)).rejects.toMatchObject(refused);
    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query(`SELECT set_config('alp.audit_redaction', 'on', true)`);
        await m.query(`UPDATE audit_event SET actor = 'someone'`);
      }),
    ).rejects.toMatchObject(refused);
    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query(`SELECT set_config('alp.audit_redaction', 'on', true)`);
        await m.query(`UPDATE audit_event SET subjects = subjects || 'invented'::text`);
      }),
    ).rejects.toMatchObject(refused);
    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query(`SELECT set_config('alp.audit_redaction', 'on', true)`);
        await m.query(`DELETE FROM audit_event`);
      }),
    ).rejects.toMatchObject(refused);
  });
});

describe('pupilsPastRetention', () => {
  const upn = (n: number) => makeUpn(`803200009${String(n).padStart(3, '0')}`);
  beforeAll(async () => {
    const f = factories(db);
    await f.authority({ laCode: '803', name: 'Authority C' });
    await f.authority({ laCode: '804', name: 'Authority D' });
    await f.provider({ providerRef: 'P3' });
    const pupil = (n: number, dateOfBirth: string, laCode = '803') =>
      f.pupil({ upn: upn(n), dateOfBirth, laCode });
    const placement = (n: number, endDate: string | null) =>
      f.placement({
        placementRef: `RET-${n}-${endDate ?? 'open'}`,
        upn: upn(n),
        providerRef: 'P3',
        startDate: '2014-09-01',
        endDate,
      });
    await pupil(1, '2000-01-01'); // 18 on 2018-01-01, placement ended before: kept until 2025-01-01
    await placement(1, '2015-07-20');
    await pupil(2, '2000-01-01'); // an open placement: kept
    await placement(2, '2015-07-20');
    await placement(2, null);
    await pupil(3, '2010-01-01'); // 18 on 2028-01-01: kept until 2035
    await placement(3, '2020-07-20');
    await pupil(4, '2000-06-01'); // no placement: 18th birthday + 7 = 2025-06-01
    await pupil(5, '2000-01-01'); // placement ended after 18: 2024-03-01 + 7 = 2031-03-01
    await placement(5, '2024-03-01');
    await pupil(6, '2005-01-01', '804'); // authority D keeps 1 year: 2023-01-01 + 1 = 2024-01-01
    await updateSettings(db.dataSource, admin, '804', [{ key: 'retentionYears', value: 1 }]);
  });

  const listed = async (on: string) =>
    (await pupilsPastRetention(db.dataSource, admin, on)).filter((r) => ['803', '804'].includes(r.laCode));

  it('lists the pupils past their authority’s retention on a date', async () => {
    expect(await listed('2026-01-01')).toEqual([
      {
        upn: upn(1),
        laCode: '803',
        lastPlacementEnded: '2015-07-20',
        keptUntil: '2025-01-01',
        retentionYears: 7,
      },
      { upn: upn(4), laCode: '803', lastPlacementEnded: null, keptUntil: '2025-06-01', retentionYears: 7 },
      { upn: upn(6), laCode: '804', lastPlacementEnded: null, keptUntil: '2024-01-01', retentionYears: 1 },
    ]);
    expect((await listed('2031-03-01')).map((r) => r.upn)).toEqual([upn(1), upn(4), upn(6)]);
    expect((await listed('2031-03-02')).map((r) => r.upn)).toEqual([upn(1), upn(4), upn(5), upn(6)]);
    expect(await listed('2024-01-01')).toEqual([]);
  });

  it('is for administrators, and its reading is audited', async () => {
    await expect(
      pupilsPastRetention(db.dataSource, testPrincipal('la_officer'), '2026-01-01'),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(pupilsPastRetention(db.dataSource, admin, '2026-13-01')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await pupilsPastRetention(db.dataSource, admin, '2026-01-01');
    const [row] = await db.dataSource.query(
      `SELECT actor, subjects, detail FROM audit_event WHERE operation = 'pupils retention' ORDER BY id DESC LIMIT 1`,
    );
    expect(row).toMatchObject({ actor: 'test-admin', detail: { on: '2026-01-01' } });
    expect(row.subjects).toEqual(expect.arrayContaining([upn(1), upn(4), upn(6)]));
  });
});

// The embedded database runs one transaction at a time: an erasure cannot run inside an import there.
(process.env.DATABASE_URL ? describe : describe.skip)('an erasure during an import', () => {
  it('waits for the import, then erases what it stored; the import counts its rows as they were', async () => {
    const upn = makeUpn('801200008009');
    await factories(db).pupil({ upn, laCode: '801' });
    const file = `placement_ref,upn,provider_ref,type,start_date,hours_per_week\nERZ-RACE,${upn},P1,part_time,2026-01-05,10\n`;
    // the import stops before its merge until the erasure has run or is waiting for it
    const merge = holdStatement('INSERT INTO placement (placement_ref');
    try {
      const imported = importFile(db, admin, 'placements', { content: Buffer.from(file) });
      await merge.reached;
      const erased = erasePupil(db.dataSource, admin, upn);
      await untilWaitingOrDone(db, erased);
      merge.release();
      const result = await imported;
      expect(result).toMatchObject({ errors: [], inserted: 1, unchanged: 0 });
      expect((await erased).removed).toMatchObject({ pupil: 1, placement: 1 });
    } finally {
      merge.restore();
    }
    expect(await db.dataSource.query(`SELECT id FROM placement WHERE placement_ref = 'ERZ-RACE'`)).toEqual(
      [],
    );
  });
});

(process.env.DATABASE_URL ? describe : describe.skip)(
  'a placement deleted during an attendance import',
  () => {
    it('waits for the import rather than deadlocking with it, then closes the marks it stored', async () => {
      const upn = makeUpn('801200008010');
      const f = factories(db);
      await f.pupil({ upn, laCode: '801' });
      await f.placement({ placementRef: 'DEL-RACE', upn, providerRef: 'P1', startDate: '2026-01-05' });
      const file = 'placement_ref,date,session,code\nDEL-RACE,2026-01-06,AM,/\n';
      const merge = holdStatement('INSERT INTO attendance (placement_id');
      try {
        const imported = importFile(db, admin, 'attendance', { content: Buffer.from(file) });
        await merge.reached;
        const deleted = new DeletionService(db.dataSource).deletePlacement(admin, 'DEL-RACE');
        await untilWaitingOrDone(db, deleted);
        merge.release();
        expect(await imported).toMatchObject({ errors: [], inserted: 1 });
        await deleted;
      } finally {
        merge.restore();
      }
      expect(
        await db.dataSource.query(
          `SELECT count(*)::int AS n FROM attendance a
         WHERE a.superseded_at IS NULL AND NOT EXISTS (SELECT 1 FROM placement p WHERE p.id = a.placement_id)`,
        ),
      ).toEqual([{ n: 0 }]);
    });
  },
);
