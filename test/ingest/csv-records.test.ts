import { CsvRecord, CsvRecords } from '../../src/ingest/csv-records';

/** Records of `text` handed over in pieces cut at `cuts`, then the end; or the IngestError's code and line. */
function read(text: string, cuts: number[] = [], maxRow = 1_000): CsvRecord[] | string {
  const reader = new CsvRecords(maxRow);
  const records: CsvRecord[] = [];
  try {
    let at = 0;
    for (const cut of [...cuts, text.length]) {
      records.push(...reader.push(text.slice(at, cut)));
      at = cut;
    }
    records.push(...reader.end());
    return records;
  } catch (err) {
    const e = err as { code: string; details?: { line: number }; message: string };
    return `${e.code} line ${e.details?.line}: ${e.message}`;
  }
}

/** The same answer whatever the two places the text is cut at (pieces end anywhere in a file). */
function readEveryWay(text: string, maxRow = 1_000): CsvRecord[] | string {
  const whole = read(text, [], maxRow);
  for (let a = 0; a <= text.length; a++)
    for (let b = a; b <= text.length; b += 3) expect(read(text, [a, b], maxRow)).toEqual(whole);
  return whole;
}

describe('CSV records', () => {
  it('line endings: LF, CRLF, CR alone and mixed in one file', () => {
    const expected = [
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
      { line: 3, cells: ['3', '4'] },
    ];
    expect(readEveryWay('a,b\n1,2\n3,4\n')).toEqual(expected);
    expect(readEveryWay('a,b\r\n1,2\r\n3,4\r\n')).toEqual(expected);
    expect(readEveryWay('a,b\r1,2\r3,4\r')).toEqual(expected);
    expect(readEveryWay('a,b\r\n1,2\n3,4\r')).toEqual(expected);
    expect(readEveryWay('a,b\n1,2\n3,4')).toEqual(expected);
  });

  it('a quoted last cell followed by CRLF, wherever the pieces end', () => {
    expect(readEveryWay('a,"b"\r\n"1","2 ""x"""\r\n3,"4"\r\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2 "x"'] },
      { line: 3, cells: ['3', '4'] },
    ]);
    expect(readEveryWay('a,"b"\r1,"2"\r')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
    ]);
  });

  it('quoted cells keep their commas and line breaks; the next record starts on the right line', () => {
    expect(readEveryWay('a,b\n1,"x, y\nz"\n2,"p\r\nq\rr"\n3,4\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', 'x, y\nz'] },
      { line: 4, cells: ['2', 'p\r\nq\rr'] },
      { line: 7, cells: ['3', '4'] },
    ]);
    expect(readEveryWay('a,b\r"x\r\ny",1\r2,3\r')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x\r\ny', '1'] },
      { line: 4, cells: ['2', '3'] },
    ]);
  });

  it('blank lines and rows of empty cells are skipped but counted', () => {
    expect(readEveryWay('a,b\n\n , \r\n,\n"",""\n1,2\n\r\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 6, cells: ['1', '2'] },
    ]);
  });

  it('keeps empty cells and ragged rows for the row parser to judge', () => {
    expect(readEveryWay('a,b\n1,\n,2,3\n4\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', ''] },
      { line: 3, cells: ['', '2', '3'] },
      { line: 4, cells: ['4'] },
    ]);
  });

  it('refuses broken quoting with the line of the bad quote', () => {
    const malformed = /^INGEST_MALFORMED_CSV line (\d+): line \1: not valid CSV \(/;
    for (const [text, line] of [
      ['a,b\n1,2\n3,"x,4\n', 3],
      ['a,b\n1,"x\ny"\n3,"x\n4,5\n', 4],
      ['a,b\n1,2\n3,"x"y\n', 3],
      ['a,b\n1,2\n3,"x" \n', 3],
      ['a,b\n1,2\n3,"x"\t,4\n', 3],
      ['a,b\n1,2\n3,O"Brien\n', 3],
      ['a,b\n1,2\n3, "x,y"\n', 3],
      ['a,b\r\n1,"x\r\ny"\r\n3,x"\r\n', 4],
      ['a,b\r1,2\r3,x"\r', 3],
    ] as const) {
      const answer = readEveryWay(text);
      expect(answer).toMatch(malformed);
      expect(answer).toMatch(new RegExp(`^INGEST_MALFORMED_CSV line ${line}:`));
    }
    expect(read('a\n"x')).toMatch(/quoted cell is not closed before the end of the file/);
    expect(read('a\n"x"y')).toMatch(
      /closing quote must be followed by a comma or the end of the line, not "y"/,
    );
    expect(read('a\nx"y')).toMatch(/a quote inside a cell that does not start with one/);
  });

  it('refuses a record longer than the limit, from the line it starts on, wherever the pieces end', () => {
    const max = 20;
    const ok = `${'x'.repeat(18)},y`;
    expect(readEveryWay(`a\n${ok}\n"${'q'.repeat(18)}"\n`, max)).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: ['x'.repeat(18), 'y'] },
      { line: 3, cells: ['q'.repeat(18)] },
    ]);
    const tooLarge = /^INGEST_ROW_TOO_LARGE line 3: line 3: a row is longer than 20 characters$/;
    expect(readEveryWay(`a\n1\n${ok}z\n2\n`, max)).toMatch(tooLarge);
    expect(readEveryWay(`a\n1\n"${'q'.repeat(18)}\n"\n2\n`, max)).toMatch(tooLarge);
    expect(readEveryWay(`a\n1\n${ok}z`, max)).toMatch(tooLarge);
  });

  it('an unterminated quote stops at the limit instead of reading on', () => {
    const reader = new CsvRecords(1_000);
    expect(reader.push('a,b\n1,2\n3,"x\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
    ]);
    const rows = '4,5\n'.repeat(100);
    let refused: unknown;
    let pieces = 0;
    try {
      for (; pieces < 100; pieces++) reader.push(rows);
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ code: 'INGEST_ROW_TOO_LARGE', details: { line: 3 } });
    expect(pieces).toBe(2);
  });

  it('a piece longer than the limit is split before parsing', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},"v ${i}"\r\n`).join('');
    expect(read(`a,b\r\n${rows}`, [], 40)).toEqual([
      { line: 1, cells: ['a', 'b'] },
      ...Array.from({ length: 50 }, (_, i) => ({ line: i + 2, cells: [String(i), `v ${i}`] })),
    ]);
  });

  it('says which line the start of the next piece is on (for encoding errors)', () => {
    const reader = new CsvRecords(1_000);
    reader.push('a,b\n1,"x\ny');
    expect(reader.lineOf('')).toBe(3);
    expect(reader.lineOf('z\r\nw\r')).toBe(5);
  });
});
