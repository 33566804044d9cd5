import path from 'node:path';
import ExcelJS from 'exceljs';
import { localAdministrator } from '../../src/auth/principal';
import { Database } from '../../src/db/database';
import { importFolder } from '../../src/ingest';
import { buildReportWorkbook } from '../../src/reports/workbook';
import { createTestDatabase } from '../support/database';
import { testPrincipal } from '../support/principals';

describe('report workbook', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    const results = await importFolder(db, localAdministrator(), path.join(__dirname, '../../spec/example'));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
  });
  afterAll(() => db.close());

  async function roundTrip(book: ExcelJS.Workbook): Promise<ExcelJS.Workbook> {
    const again = new ExcelJS.Workbook();
    await again.xlsx.load((await book.xlsx.writeBuffer()) as ArrayBuffer);
    return again;
  }

  it('holds the figures, the flags with reasons and the chart, readable by a spreadsheet', async () => {
    const book = await roundTrip(
      await buildReportWorkbook(db, localAdministrator(), { asOf: '2026-11-03', authority: '801' }),
    );
    expect(book.worksheets.map((w) => w.name)).toEqual([
      'Summary',
      'Flag counts',
      'Breakdowns',
      'Destinations',
      'Providers',
      'Attendance chart',
      'Flags',
    ]);
    const counts = book.getWorksheet('Flag counts');
    const notOnRoll = counts
      ?.getRows(2, counts.rowCount - 1)
      ?.find((r) => r.getCell(1).value === 'NOT_ON_ROLL');
    expect(notOnRoll?.getCell(4).value).toBe(1);
    const flags = book.getWorksheet('Flags');
    const keys = flags
      ?.getRows(2, flags.rowCount - 1)
      ?.map((r) => `${r.getCell(1).value} ${r.getCell(3).value}`);
    expect(keys).toContain('NOT_ON_ROLL Z801200025003');
    expect(keys).not.toContain('NEET_RISK A802200025001');
    expect(book.getWorksheet('Attendance chart')?.getImages()).toHaveLength(1);
  });

  it('gives an analyst (aggregates only) small counts suppressed and no pupil rows', async () => {
    const analyst = testPrincipal('analyst', { name: 'analyst', authorities: ['801'] });
    const book = await roundTrip(
      await buildReportWorkbook(db, analyst, { asOf: '2026-11-03', authority: '801' }),
    );
    expect(book.getWorksheet('Flags')).toBeUndefined();
    const counts = book.getWorksheet('Flag counts');
    const notOnRoll = counts
      ?.getRows(2, counts.rowCount - 1)
      ?.find((r) => r.getCell(1).value === 'NOT_ON_ROLL');
    expect(notOnRoll?.getCell(4).value).toBe('suppressed');
  });
});
