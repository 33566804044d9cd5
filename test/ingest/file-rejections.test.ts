import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database } from '../../src/db/database';
import { IngestError, importFile } from '../../src/ingest';
import { PIECE } from '../../src/ingest/row-source';
import { createTestDatabase } from '../support/database';
import { admin, importCsv, loadBase, tableCounts, UPN_802, UPN_803 } from './ingest-fixtures';

/** Whole-file problems: refused with a clear message (an IngestError) and nothing stored. */
describe('files that cannot be read as a whole', () => {
  let db: Database;
  let before: Record<string, number>;
  beforeAll(async () => {
    db = await createTestDatabase();
    await loadBase(db);
    before = await tableCounts(db);
  });
  afterAll(async () => {
    await db.close();
  });

  async function refused(content: Buffer | string, code: string, message: RegExp): Promise<void> {
    const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const attempt = importFile(db, admin, 'pupils', { content: buffer });
    await expect(attempt).rejects.toBeInstanceOf(IngestError);
    await expect(attempt).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await tableCounts(db)).toEqual(before);
  }

  const header = 'upn,first_name,last_name,date_of_birth,la_code\n';
  const good = `${UPN_802},Ada,Renamed,2011-05-01,802\n`;

  it('broken quoting', async () => {
    await refused(
      `${header}${good}${UPN_802},"Ada,Test,2011-05-01,802\n`,
      'INGEST_MALFORMED_CSV',
      /^line 3: not valid CSV/,
    );
    await refused(
      `${header}${good}${UPN_802},"Ada"x,Test,2011-05-01,802\n`,
      'INGEST_MALFORMED_CSV',
      /^line 3: not valid CSV/,
    );
  });

  it('broken quoting after thousands of rows already sent to the database', async () => {
    const rows = Array.from({ length: 5000 }, () => good).join('');
    await refused(
      `${header}${rows}${UPN_802},"Ada"x,Test,2011-05-01,802\n`,
      'INGEST_MALFORMED_CSV',
      /^line 5002: /,
    );
    expect(await importCsv(db, 'pupils', `${header}${good}`)).toMatchObject({ rows: 1, errors: [] });
    await importCsv(db, 'pupils', `${header}${UPN_802},Ada,Test,2011-05-01,802\n`);
  });

  it('a missing natural-key column (other required columns may be absent: absent-columns.test.ts)', async () => {
    await refused(
      'first_name,last_name,date_of_birth,la_code\n',
      'INGEST_MISSING_COLUMN',
      /column upn missing from a pupils file: upn identify each record/,
    );
  });

  it('an unknown column', async () => {
    await refused(
      `${header.trim()},shoe_size\n`,
      'INGEST_UNKNOWN_COLUMN',
      /unknown column shoe_size in a pupils file; the columns are: upn/,
    );
  });

  it('a column given twice', async () => {
    await refused(`${header.trim()},UPN\n`, 'INGEST_DUPLICATE_COLUMN', /column upn appears twice/);
  });

  it('an empty file', async () => {
    await refused('', 'INGEST_EMPTY_FILE', /the file is empty/);
    await refused('\n\n', 'INGEST_EMPTY_FILE', /the file is empty/);
  });

  it('a 10 MB cell', async () => {
    await refused(
      `${header}${UPN_802},${'x'.repeat(10 * 1024 * 1024)},Test,2011-05-01,802\n`,
      'INGEST_ROW_TOO_LARGE',
      /^line 2: a row is longer than/,
    );
  });

  it('a 10 MB cell spanning lines, read from a file, is refused at the line its row starts on', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'alp-big-cell-'));
    try {
      const file = path.join(dir, 'pupils.csv');
      writeFileSync(file, `${header}${good}${UPN_802},"${'x\r\n'.repeat(3_500_000)}",Test,2011-05-01,802\n`);
      const attempt = importFile(db, admin, 'pupils', { path: file });
      await expect(attempt).rejects.toMatchObject({
        code: 'INGEST_ROW_TOO_LARGE',
        message: expect.stringMatching(/^line 3: a row is longer than 1048576 characters$/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await tableCounts(db)).toEqual(before);
  });

  it('an unterminated quote early in a large file is refused once the row passes the limit', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'alp-open-quote-'));
    try {
      const file = path.join(dir, 'pupils.csv');
      // About 8 MB after the open quote: it is read up to the limit, not to the end.
      writeFileSync(file, `${header}${good}${UPN_802},"Ada,Test,2011-05-01,802\n${good.repeat(200_000)}`);
      const attempt = importFile(db, admin, 'pupils', { path: file });
      await expect(attempt).rejects.toMatchObject({
        code: 'INGEST_ROW_TOO_LARGE',
        message: expect.stringMatching(/^line 3: a row is longer than/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await tableCounts(db)).toEqual(before);
  });

  it('UTF-16 with and without a byte-order mark', async () => {
    const utf16 = Buffer.from(`\ufeff${header}${good}`, 'utf16le');
    await refused(utf16, 'INGEST_ENCODING', /UTF-16/);
    await refused(Buffer.from(`${header}${good}`, 'utf16le'), 'INGEST_ENCODING', /not UTF-8/);
  });

  it('Latin-1 bytes that are not UTF-8, with the line they are on', async () => {
    await refused(
      Buffer.from(`${header}${UPN_802},Zo\u00eb,Test,2011-05-01,802\n`, 'latin1'),
      'INGEST_ENCODING',
      /^line 2: .*not UTF-8/,
    );
  });

  it('a row with more or fewer cells than the header is a bad row', async () => {
    const result = await importCsv(
      db,
      'pupils',
      `${header}${UPN_802},Ada,Test,2011-05-01,802,extra\n${UPN_802},Ada\n`,
    );
    expect(result.errors).toEqual([
      { line: 2, column: '', value: '', reason: 'the row has 6 cells, the header has 5' },
      { line: 3, column: '', value: '', reason: 'the row has 2 cells, the header has 5' },
    ]);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('a reference longer than 50 characters is a bad row, not a database error', async () => {
    const long = 'P'.repeat(3000);
    const result = await importCsv(
      db,
      'providers',
      `provider_ref,name,on_framework,registered\n${long},X,yes,no\n`,
    );
    expect(result.errors).toEqual([
      {
        line: 2,
        column: 'provider_ref',
        value: expect.stringMatching(/^P+…$/),
        reason: 'a reference is at most 50 characters; this one has 3000',
      },
    ]);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('accepts a byte-order mark, header names in any case, order and spacing, and quoted cells', async () => {
    const text = `\ufeff LA_Code , Date_Of_Birth,UPN,last_name,first_name\r\n802,2011-05-01,${UPN_802},"Test, Jr","Ada ""A"""\r\n`;
    const result = await importCsv(db, 'pupils', text);
    expect(result).toMatchObject({ rows: 1, updated: 1, errors: [] });
    const [pupil] = await db.dataSource.query('SELECT first_name, last_name FROM pupil WHERE upn = $1', [
      UPN_802,
    ]);
    expect(pupil).toEqual({ first_name: 'Ada "A"', last_name: 'Test, Jr' });
    await importCsv(db, 'pupils', `${header}${UPN_802},Ada,Test,2011-05-01,802\n`);
  });

  it('CR-only line endings (old Mac exports), with a byte-order mark and a quoted header cell', async () => {
    const cr = (text: string) => text.replace(/\n/g, '\r');
    const badDate = `${UPN_802},Ada,Test,2011-02-30,802\n`;
    const result = await importCsv(
      db,
      'pupils',
      `\ufeff"upn"${cr(header.slice(3))}${cr(good)}\r${cr(badDate)}`,
    );
    expect(result.errors).toEqual([
      {
        line: 4,
        column: 'date_of_birth',
        value: '2011-02-30',
        reason: '2011-02-30 is not a date that exists',
      },
    ]);
    expect(await importCsv(db, 'pupils', `\ufeff${cr(header)}${cr(good)}`)).toMatchObject({
      rows: 1,
      updated: 1,
      errors: [],
    });
    await importCsv(db, 'pupils', `${header}${UPN_802},Ada,Test,2011-05-01,802\n`);
  });

  it('LF, CRLF and CR mixed in one file all end rows', async () => {
    const result = await importCsv(
      db,
      'pupils',
      `${header.trim()}\r\n${good.trim()}\r${UPN_802},Ada,Test,2011-13-01,802\n\r\n${UPN_802},Ada,Test,x,802\r`,
    );
    expect(result.errors.map((e) => [e.line, e.value])).toEqual([
      [3, '2011-13-01'],
      [5, 'x'],
    ]);
  });

  it('a quoted cell with line breaks: the rows after it are told by the line they start on', async () => {
    const result = await importCsv(
      db,
      'pupils',
      `${header}${UPN_802},"Ada\nMay",Test,2011-05-01,802\n` +
        `${UPN_802},"Ada\r\n\r\nMay",Test,2011-02-30,802\n${UPN_802},Ada,Test,2011-02-31,802\n`,
    );
    expect(result.errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [4, 'date_of_birth', '2011-02-30'],
      [7, 'date_of_birth', '2011-02-31'],
    ]);
  });

  it('a quoted last cell followed by CRLF, the CR ending one piece of the file and the LF starting the next', async () => {
    const crlfHeader = header.replace('\n', '\r\n');
    const row = `${UPN_802},"Ada, ""A""",Test,2011-05-01,"802"`;
    // The file is read PIECE bytes at a time: blank lines (skipped, but counted) put the CR at the end.
    const pad = PIECE - 1 - crlfHeader.length - row.length;
    const blanks = '\r\n'.repeat(Math.floor(pad / 2)) + (pad % 2 === 1 ? '\n' : '');
    const rowLine = 2 + Math.ceil(pad / 2);
    expect(Buffer.from(`${crlfHeader}${blanks}${row}\r\n`).indexOf('\r\n', PIECE - 2)).toBe(PIECE - 1);
    const rejected = await importCsv(
      db,
      'pupils',
      `${crlfHeader}${blanks}${row}\r\n${UPN_803},Bo,Test,2012-02-30,"803"\r\n`,
    );
    expect(rejected.errors).toEqual([
      {
        line: rowLine + 1,
        column: 'date_of_birth',
        value: '2012-02-30',
        reason: '2012-02-30 is not a date that exists',
      },
    ]);
    const result = await importCsv(db, 'pupils', `${crlfHeader}${blanks}${row}\r\n`);
    expect(result).toMatchObject({ rows: 1, updated: 1, errors: [] });
    const [pupil] = await db.dataSource.query(
      'SELECT p.first_name, a.la_code FROM pupil p JOIN authority a ON a.id = p.authority_id WHERE p.upn = $1',
      [UPN_802],
    );
    expect(pupil).toEqual({ first_name: 'Ada, "A"', la_code: '802' });
    await importCsv(db, 'pupils', `${header}${UPN_802},Ada,Test,2011-05-01,802\n`);
  });

  it('a header only: nothing to store, no error', async () => {
    const result = await importCsv(db, 'pupils', header);
    expect(result).toEqual({
      kind: 'pupils',
      rows: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      errors: [],
      errorsNotListed: 0,
      runId: expect.any(Number),
    });
    expect(await tableCounts(db)).toEqual(before);
  });

  it('an unreadable path and an unknown kind', async () => {
    await expect(importFile(db, admin, 'pupils', { path: '/nonexistent/pupils.csv' })).rejects.toMatchObject({
      code: 'INGEST_UNREADABLE',
    });
    await expect(
      importFile(db, admin, 'pupil' as never, { content: Buffer.from(header) }),
    ).rejects.toMatchObject({
      code: 'INGEST_UNKNOWN_KIND',
    });
  });

  it('a caller who sees aggregates only may not import', async () => {
    const governor = { ...admin, role: 'governor' as const, aggregatesOnly: true };
    await expect(
      importFile(db, governor, 'pupils', { content: Buffer.from(`${header}${good}`) }),
    ).rejects.toMatchObject({
      code: 'INGEST_FORBIDDEN',
    });
  });
});
