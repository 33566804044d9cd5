import { Faker } from '@faker-js/faker';
import { addDays } from '../domain/dates';
import { makeUpn } from '../domain/upn';
import { DemoRow, yesNo } from './columns';
import { DemoSchool } from './organisations';
import { Rng } from './random';

export interface DemoPupil {
  row: DemoRow<'pupils'>;
  laCode: string;
  /** National curriculum year today (12: left Year 11 last summer). */
  year: number;
  school: DemoSchool | null;
  sen: 'none' | 'sen_support' | 'ehcp';
}

/** Year groups of pupils in AP, weighted to key stages 3 and 4 as AP is in England. */
const YEAR_WEIGHTS: readonly (readonly [number, number])[] = [
  [1, 1],
  [2, 1],
  [3, 2],
  [4, 2],
  [5, 3],
  [6, 4],
  [7, 8],
  [8, 11],
  [9, 14],
  [10, 18],
  [11, 20],
  [12, 10],
];

/**
 * One authority's pupils. Most are on a school roll (the PRU and special schools take their share);
 * about 3% of compulsory-age pupils are on no roll, and one is electively home educated.
 */
export function makePupils(
  rng: Rng,
  faker: Faker,
  laCode: string,
  count: number,
  schools: readonly DemoSchool[],
  academicYear: number,
  usedUpns: Set<string>,
): DemoPupil[] {
  const primaries = schools.filter((s) => s.phase === 'primary');
  const secondaries = schools.filter((s) => s.phase === 'secondary' && s.type !== 'pru');
  const pru = schools.find((s) => s.type === 'pru');
  const specials = schools.filter((s) => s.type === 'special');
  const serials = new Map<string, number>();
  const pupils: DemoPupil[] = [];
  for (let i = 0; i < count; i++) {
    const year = rng.weighted(YEAR_WEIGHTS);
    const sen = rng.weighted([
      ['none', 47],
      ['sen_support', 35],
      ['ehcp', 18],
    ] as const);
    const homeEducated = i === 0;
    const noRoll = !homeEducated && year <= 11 && rng.chance(0.03);
    let school: DemoSchool | null = null;
    if (!homeEducated && !noRoll) {
      if (sen === 'ehcp' && rng.chance(0.35)) school = rng.pick(specials);
      else if (year >= 7 && year <= 11 && pru && rng.chance(0.1)) school = pru;
      else school = rng.pick(year <= 6 ? primaries : secondaries);
    }
    // A UPN is allocated by the first school (the reception year's): LA, establishment, year, serial.
    const allocator = school ?? rng.pick(primaries);
    const entryYear = String((academicYear - year) % 100).padStart(2, '0');
    const key = `${laCode}${allocator.establishment}${entryYear}`;
    let upn: string;
    do {
      const serial = (serials.get(key) ?? 0) + 1;
      if (serial > 999) throw new RangeError(`more than 999 demo pupils share the UPN prefix ${key}`);
      serials.set(key, serial);
      upn = makeUpn(`${key}${String(serial).padStart(3, '0')}`);
    } while (usedUpns.has(upn));
    usedUpns.add(upn);

    const gender = rng.weighted([
      ['M', 62],
      ['F', 36],
      ['X', 2],
    ] as const);
    const sex = gender === 'M' || (gender === 'X' && rng.chance(0.5)) ? 'male' : 'female';
    // Born in the academic year that makes them Year `year` now: B = A - year - 5.
    const birthYearStart = academicYear - year - 5;
    const dob = addDays(`${birthYearStart}-09-01`, rng.int(0, 364));
    pupils.push({
      laCode,
      year,
      school,
      sen,
      row: {
        upn,
        first_name: faker.person.firstName(sex),
        last_name: faker.person.lastName(),
        date_of_birth: dob,
        la_code: laCode,
        school_urn: school?.row.urn ?? '',
        home_educated: homeEducated ? 'true' : '',
        gender,
        sen_status: sen,
        looked_after: yesNo(rng.chance(sen === 'ehcp' ? 0.14 : 0.07)),
        fsm: yesNo(rng.chance(0.52)),
      },
    });
  }
  return pupils;
}
