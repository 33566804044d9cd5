import { Database } from '../../../src/db/database';
import { World } from '../../indicators/support/world';

/**
 * A known scenario for the reports: school 900001 has six pupils placed at PRV-OK from 7 September 2026,
 * each with 20 marks in the fortnight to 19 November of which pupil k missed k - 1 (attendance 105/120,
 * four persistently absent), six targets of which three are met (two of kind attendance, one met), and
 * one Year 11 leaver in education. School 900002 has five pupils at PRV-B, whose attendance is recorded
 * a day late for 8 of 20 sessions each. Every weekly cost is £100.
 */
export const AS_OF = '2026-11-20';
export const FROM = '2026-09-01';

export interface Scenario {
  /** Every pupil's UPN, first and last name and date of birth: none may appear in a governor document. */
  identities: { upn: string; firstName: string; lastName: string; dateOfBirth: string }[];
}

export async function loadScenario(db: Database): Promise<Scenario> {
  const w = new World(AS_OF);
  w.add('schools', { urn: '900002', name: 'School B', la_code: '900', type: 'academy' });
  w.provider('PRV-B', { name: 'Provider B' });
  const identities: Scenario['identities'] = [];
  const pupil = (fields: Record<string, string>) => {
    const n = identities.length + 1;
    const person = {
      firstName: `Ysolde${n}`,
      lastName: `Marchbanks${n}`,
      dateOfBirth: fields.date_of_birth ?? '2011-10-01',
    };
    const upn = w.pupil({
      first_name: person.firstName,
      last_name: person.lastName,
      ...fields,
      date_of_birth: person.dateOfBirth,
    });
    identities.push({ upn, ...person });
    return upn;
  };
  for (let k = 1; k <= 6; k += 1) {
    const upn = pupil({ date_of_birth: `2011-10-0${k}` });
    const ref = w.placement(upn, {
      start_date: '2026-09-07',
      commissioner_urn: '900001',
      weekly_cost_gbp: 100,
    });
    const codes = Array.from({ length: 20 }, (_, i) => (i < k - 1 ? 'O' : i % 2 ? '\\' : '/'));
    w.marks(ref, '2026-11-19', codes);
    w.add('targets', {
      placement_ref: ref,
      target_ref: 'T1',
      kind: k <= 2 ? 'attendance' : 'academic',
      description: 'Target',
      status: k % 2 ? 'met' : 'in_progress',
    });
  }
  const leaver = pupil({ date_of_birth: '2010-01-10' });
  w.placement(leaver, {
    start_date: '2026-01-05',
    end_date: '2026-06-30',
    end_reason: 'reintegrated',
    planned_end_date: '2026-07-01',
    commissioner_urn: '900001',
  });
  w.add('destinations', { upn: leaver, recorded_on: '2026-10-01', activity: 'education' });
  for (let k = 1; k <= 5; k += 1) {
    const upn = pupil({ school_urn: '900002' });
    const ref = w.placement(upn, {
      start_date: '2026-09-07',
      provider_ref: 'PRV-B',
      commissioner_urn: '900002',
      weekly_cost_gbp: 100,
    });
    w.marks(
      ref,
      '2026-11-19',
      Array.from({ length: 20 }, (_, i) => (i % 2 ? '\\' : '/')),
      8,
    );
  }
  await w.load(db);
  return { identities };
}
