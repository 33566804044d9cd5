import ExcelJS from 'exceljs';
import { Database } from '../../src/db/database';
import { importFile } from '../../src/ingest';
import { xlsxCellText } from '../../src/ingest/row-source';
import { createTestDatabase } from '../support/database';
import { admin, loadBase } from './ingest-fixtures';

/** What a spreadsheet cell holds that a CSV export would not: floating-point noise, errors, formulas. */
describe('.xlsx cells', () => {
  it('reads numbers as Excel shows them, to 15 significant digits', () => {
    expect(xlsxCellText(1.1 * 100)).toBe('110');
    expect(xlsxCellText(27.500000000000004)).toBe('27.5');
    expect(xlsxCellText(100049)).toBe('100049');
    expect(xlsxCellText(0.1 + 0.2)).toBe('0.3');
    expect(xlsxCellText({ formula: 'A1*100', result: 110.00000000000001 } as ExcelJS.CellValue)).toBe('110');
  });

  it('refuses an error cell and a formula never calculated rather than read them as text or empty', () => {
    expect(() => xlsxCellText({ error: '#N/A' } as ExcelJS.CellValue)).toThrow(/holds the error #N\/A/);
    expect(() => xlsxCellText({ formula: 'B2+1' } as ExcelJS.CellValue)).toThrow(/no calculated value/);
  });

  describe('in an import', () => {
    let db: Database;
    beforeAll(async () => {
      db = await createTestDatabase();
      await loadBase(db);
    });
    afterAll(() => db.close());

    const workbook = async (rows: ExcelJS.CellValue[][]) => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('providers');
      for (const r of rows) sheet.addRow(r);
      return Buffer.from(await book.xlsx.writeBuffer());
    };

    it('names the cell of an uncalculated formula and stores nothing', async () => {
      const content = await workbook([
        ['provider_ref', 'name'],
        ['P-X1', 'Fine'],
        ['P-X2', { formula: 'CONCAT("A","B")' } as ExcelJS.CellValue],
      ]);
      await expect(importFile(db, admin, 'providers', { content }, { format: 'xlsx' })).rejects.toMatchObject(
        {
          code: 'INGEST_UNREADABLE',
          message: expect.stringMatching(/cell B3 \(line 3\) holds a formula with no calculated value/),
        },
      );
      expect(await db.dataSource.query(`SELECT 1 FROM provider WHERE provider_ref LIKE 'P-X%'`)).toEqual([]);
    });

    it('names the cell of an error value', async () => {
      const content = await workbook([
        ['provider_ref', 'name'],
        ['P-X3', { error: '#REF!' } as ExcelJS.CellValue],
      ]);
      await expect(importFile(db, admin, 'providers', { content }, { format: 'xlsx' })).rejects.toMatchObject(
        {
          code: 'INGEST_UNREADABLE',
          message: expect.stringMatching(/cell B2 \(line 2\) holds the error #REF!/),
        },
      );
    });
  });
});
