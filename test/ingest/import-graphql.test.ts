import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { IMPORT_KINDS } from '../../src/ingest';
import { startTestApi, TestApi } from '../support/api-server';

const EXAMPLE = path.resolve(__dirname, '../../spec/example');

const IMPORT = `mutation Import($kind: ImportKind!, $filename: String!, $content: String!, $encoding: ContentEncoding) {
  importFile(kind: $kind, filename: $filename, content: $content, encoding: $encoding) {
    kind accepted rows inserted updated unchanged errorsNotListed errors { line column value reason }
  }
}`;

/** A CSV text as an .xlsx workbook whose cells hold the same text. */
async function asWorkbook(csv: string): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('data');
  for (const line of csv.trim().split(/\r?\n/)) sheet.addRow(line.split(','));
  return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
}

describe('GraphQL importFile, submitAttendance and attendanceHistory', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('imports every example file, then re-imports each as CSV and as .xlsx with nothing changed', async () => {
    for (const kind of IMPORT_KINDS) {
      const content = readFileSync(path.join(EXAMPLE, `${kind}.csv`), 'utf8');
      const res = await api.gql(IMPORT, { kind: kind.toUpperCase(), filename: `${kind}.csv`, content });
      expect(res.errors).toBeUndefined();
      expect(res.data.importFile).toMatchObject({ accepted: true, errors: [], updated: 0, unchanged: 0 });
      expect(res.data.importFile.inserted).toBe(res.data.importFile.rows);
    }
    for (const kind of IMPORT_KINDS) {
      const csv = readFileSync(path.join(EXAMPLE, `${kind}.csv`), 'utf8');
      const again = await api.gql(IMPORT, {
        kind: kind.toUpperCase(),
        filename: `${kind}.csv`,
        content: csv,
      });
      const workbook = await api.gql(IMPORT, {
        kind: kind.toUpperCase(),
        filename: `${kind}.xlsx`,
        content: await asWorkbook(csv),
        encoding: 'BASE64',
      });
      for (const res of [again, workbook]) {
        expect(res.errors).toBeUndefined();
        expect(res.data.importFile).toMatchObject({ accepted: true, inserted: 0, updated: 0, errors: [] });
        expect(res.data.importFile.unchanged).toBe(res.data.importFile.rows);
      }
    }
  });

  it('reads typed workbook cells: dates, numbers and booleans', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('providers');
    sheet.addRow(['provider_ref', 'name', 'on_framework', 'registered', 'dfe_urn', 'ofsted_date']);
    sheet.addRow(['XL-1', 'Workbook Provider', true, false, 150009, new Date(Date.UTC(2025, 5, 30))]);
    const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const variables = { kind: 'PROVIDERS', filename: 'providers.xlsx', content, encoding: 'BASE64' };
    expect((await api.gql(IMPORT, variables)).data.importFile).toMatchObject({ accepted: true, inserted: 1 });
    expect((await api.gql(IMPORT, variables)).data.importFile).toMatchObject({
      accepted: true,
      unchanged: 1,
    });
    const [row] = await api.db.dataSource.query(
      `SELECT on_framework, registered, dfe_urn, ofsted_date FROM provider WHERE provider_ref = 'XL-1'`,
    );
    expect(row).toEqual({
      on_framework: true,
      registered: false,
      dfe_urn: '150009',
      ofsted_date: '2025-06-30',
    });
  });

  it('answers every rejected row, and a clear error for a file it cannot read', async () => {
    const content = 'placement_ref,date,session,code\nPL-0001,2026-04-18,AM,/\nPL-0001,2026-04-20,AM,ZZ\n';
    const res = await api.gql(IMPORT, { kind: 'ATTENDANCE', filename: 'attendance.csv', content });
    expect(res.data.importFile).toEqual({
      kind: 'ATTENDANCE',
      accepted: false,
      rows: 2,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      errorsNotListed: 0,
      errors: [
        {
          line: 2,
          column: 'date',
          value: '2026-04-18',
          reason: '2026-04-18 is not a school day in authority 802 (a weekend)',
        },
        {
          line: 3,
          column: 'code',
          value: 'ZZ',
          reason: 'unknown attendance code ZZ (see attendance-codes.csv)',
        },
      ],
    });
    const broken = await api.gql(IMPORT, {
      kind: 'PUPILS',
      filename: 'pupils.csv',
      content: 'upn,first_name,age\n',
    });
    expect(broken.data).toBeNull();
    expect(broken.errors?.[0]).toMatchObject({
      message: expect.stringContaining('unknown column age in a pupils file'),
      extensions: { code: 'INGEST_UNKNOWN_COLUMN' },
    });
    const notBase64 = await api.gql(IMPORT, {
      kind: 'PROVIDERS',
      filename: 'providers.xlsx',
      content: 'x,y',
    });
    expect(notBase64.errors?.[0].extensions).toMatchObject({ code: 'INGEST_BAD_REQUEST', field: 'encoding' });
  });

  it('submits a register, corrects it, and shows the history with who and when', async () => {
    const submit = `mutation Submit($register: AttendanceRegisterInput!) {
      submitAttendance(register: $register) { accepted inserted updated unchanged errors { line column reason } }
    }`;
    const first = await api.gql(submit, {
      register: { date: '2026-11-09', session: 'AM', marks: [{ placementRef: 'PL-0001', code: 'n' }] },
    });
    expect(first.errors).toBeUndefined();
    expect(first.data.submitAttendance).toMatchObject({ accepted: true, inserted: 1, updated: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fix = await api.gql(submit, {
      register: { date: '2026-11-09', marks: [{ placementRef: 'PL-0001', session: 'AM', code: 'I' }] },
    });
    expect(fix.data.submitAttendance).toMatchObject({ accepted: true, inserted: 0, updated: 1 });
    const missingSession = await api.gql(submit, {
      register: { date: '2026-11-09', marks: [{ placementRef: 'PL-0001', code: 'I' }] },
    });
    expect(missingSession.data.submitAttendance.errors).toEqual([
      { line: 1, column: 'session', reason: 'session is required' },
    ]);

    const history = await api.gql(
      `query { attendanceHistory(placementRef: "PL-0001", from: "2026-11-09", to: "2026-11-09") {
        sessionDate session code recordedAt recordedBy supersededAt } }`,
    );
    expect(history.errors).toBeUndefined();
    const versions = history.data.attendanceHistory;
    expect(versions.map((v: { code: string }) => v.code)).toEqual(['N', 'I']);
    expect(versions[0]).toMatchObject({
      session: 'AM',
      recordedBy: 'test-admin',
      supersededAt: versions[1].recordedAt,
    });
    expect(versions[1].supersededAt).toBeNull();
    const missing = await api.gql('query { attendanceHistory(placementRef: "PL-404") { code } }');
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
