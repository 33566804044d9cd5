import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { addDays, isWeekday } from '../src/domain/dates';
import { makeUpn } from '../src/domain/upn';

/** Academic year 2025/26 of the synthetic authority: three terms and three half-term closures. */
const TERMS: [string, string][] = [
  ['2025-09-03', '2025-12-19'],
  ['2026-01-05', '2026-03-27'],
  ['2026-04-13', '2026-07-22'],
];
const CLOSURES: [string, string][] = [
  ['2025-10-27', '2025-10-31'],
  ['2026-02-16', '2026-02-20'],
  ['2026-05-25', '2026-05-29'],
];

export function schoolDays(): string[] {
  const days: string[] = [];
  for (const [start, end] of TERMS)
    for (let d = start; d <= end; d = addDays(d, 1))
      if (isWeekday(d) && !CLOSURES.some(([s, e]) => d >= s && d <= e)) days.push(d);
  return days;
}

const CODES = ['/', '/', '/', '/', 'L', 'B', 'I', 'N', 'O', 'M', 'C2', 'E'];

export interface Fixture {
  referenceDir: string;
  attendanceFile: string;
  /** The same file with one unknown code at the middle row. */
  badAttendanceFile: string;
  rows: number;
  placements: number;
}

/**
 * Writes a synthetic authority (calendar, schools, providers, pupils, one placement each) and an
 * attendance file of exactly `rows` rows covering every school day of each placement, streamed to disk.
 */
export async function writeFixture(dir: string, rows: number): Promise<Fixture> {
  const referenceDir = path.join(dir, 'reference');
  await mkdir(referenceDir, { recursive: true });
  const days = schoolDays();
  const placements = Math.ceil(rows / (days.length * 2));
  const providers = 50;
  const schools = 20;
  await writeFile(path.join(referenceDir, 'authorities.csv'), 'la_code,name\n802,Bench Authority\n');
  await writeFile(
    path.join(referenceDir, 'calendar.csv'),
    `la_code,start_date,end_date,kind\n${[
      ...TERMS.map(([s, e]) => `802,${s},${e},term`),
      ...CLOSURES.map(([s, e]) => `802,${s},${e},closure`),
    ].join('\n')}\n`,
  );
  const urn = (i: number) => String(200000 + i);
  await writeFile(
    path.join(referenceDir, 'schools.csv'),
    `urn,name,la_code,type\n${Array.from({ length: schools }, (_, i) => `${urn(i)},School ${i},802,academy`).join('\n')}\n`,
  );
  const ref = (i: number) => `BP-${String(i).padStart(3, '0')}`;
  await writeFile(
    path.join(referenceDir, 'providers.csv'),
    `provider_ref,name,on_framework,registered\n${Array.from({ length: providers }, (_, i) => `${ref(i)},Provider ${i},yes,no`).join('\n')}\n`,
  );
  const upn = (i: number) => makeUpn(`802${String(i).padStart(9, '0')}`);
  const placementRef = (i: number) => `BPL-${String(i).padStart(6, '0')}`;
  const pupilLines = ['upn,first_name,last_name,date_of_birth,la_code,school_urn'];
  const placementLines = ['placement_ref,upn,provider_ref,type,start_date,hours_per_week'];
  for (let i = 0; i < placements; i++) {
    pupilLines.push(`${upn(i)},Pupil${i},Bench,2011-0${1 + (i % 9)}-15,802,${urn(i % schools)}`);
    placementLines.push(`${placementRef(i)},${upn(i)},${ref(i % providers)},part_time,2025-09-01,15`);
  }
  await writeFile(path.join(referenceDir, 'pupils.csv'), `${pupilLines.join('\n')}\n`);
  await writeFile(path.join(referenceDir, 'placements.csv'), `${placementLines.join('\n')}\n`);

  const attendanceFile = path.join(dir, 'attendance.csv');
  const badAttendanceFile = path.join(dir, 'attendance-bad.csv');
  const good = createWriteStream(attendanceFile);
  const bad = createWriteStream(badAttendanceFile);
  const header = 'placement_ref,date,session,code,recorded_at,recorded_by\n';
  let chunk = header;
  let badChunk = header;
  let n = 0;
  const middle = Math.floor(rows / 2);
  outer: for (let p = 0; p < placements; p++)
    for (const day of days)
      for (const session of ['AM', 'PM']) {
        if (n === rows) break outer;
        const code = CODES[(p * 7 + n) % CODES.length];
        const time = session === 'AM' ? '09:05:00' : '13:35:00';
        const line = `${placementRef(p)},${day},${session},${code},${day}T${time},provider\n`;
        chunk += line;
        badChunk += n === middle ? `${placementRef(p)},${day},${session},QQ,${day}T${time},provider\n` : line;
        n++;
        if (chunk.length > 1 << 20) {
          if (!good.write(chunk)) await once(good, 'drain');
          if (!bad.write(badChunk)) await once(bad, 'drain');
          chunk = '';
          badChunk = '';
        }
      }
  good.end(chunk);
  bad.end(badChunk);
  await Promise.all([once(good, 'finish'), once(bad, 'finish')]);
  return { referenceDir, attendanceFile, badAttendanceFile, rows: n, placements };
}
