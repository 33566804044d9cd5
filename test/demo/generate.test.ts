import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DemoData, DemoError, generateDemo } from '../../src/demo';
import { isCompulsoryAge, isIsoDate, isWeekday, keyStage, ncYear } from '../../src/domain/dates';
import { isValidUpn } from '../../src/domain/upn';

const TODAY = '2026-11-27';
const LONDON = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const londonDay = (timestamp: string) => LONDON.format(new Date(timestamp));
const CODES = new Set(
  readFileSync(path.join(__dirname, '../../spec/attendance-codes.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]),
);

describe('generateDemo', () => {
  let demo: DemoData;
  let attendance: ReturnType<DemoData['attendance']> extends Generator<infer R> ? R[] : never;
  let corrections: typeof attendance;

  beforeAll(() => {
    demo = generateDemo({ seed: 1, pupils: 600, today: TODAY });
    attendance = [...demo.attendance()];
    corrections = [...demo.corrections()];
  });

  test('three authorities share one framework of providers; every kind of school, a PRU in each', () => {
    expect(demo.authorities.map((a) => a.la_code)).toEqual(['802', '801', '803']);
    for (const la of ['802', '801', '803']) {
      const types = new Set(demo.schools.filter((s) => s.la_code === la).map((s) => s.type));
      expect([...types].sort()).toEqual(['academy', 'free', 'maintained', 'pru', 'special']);
    }
    const urns = demo.schools.map((s) => s.urn);
    expect(new Set(urns).size).toBe(urns.length);
    expect(urns.every((u) => /^[0-9]{6}$/.test(u))).toBe(true);
    const providerUse = new Map<string, Set<string>>();
    const laOf = new Map(demo.pupils.map((p) => [p.upn, p.la_code]));
    for (const p of demo.placements) {
      const set = providerUse.get(p.provider_ref) ?? new Set();
      set.add(laOf.get(p.upn) as string);
      providerUse.set(p.provider_ref, set);
    }
    expect([...providerUse.values()].some((s) => s.size === 3)).toBe(true);
  });

  test('providers: forms, risks, on and off framework, two registered, evidence with gaps, visits', () => {
    const p = demo.providers;
    expect(new Set(p.map((x) => x.environment_risk))).toEqual(new Set(['low', 'medium', 'high']));
    expect(p.filter((x) => x.registered === 'true')).toHaveLength(2);
    expect(p.filter((x) => x.registered === 'true').every((x) => /^[0-9]{6}$/.test(x.dfe_urn))).toBe(true);
    expect(p.some((x) => x.on_framework === 'false')).toBe(true);
    for (const form of ['Mentoring', 'Forest School', 'Equine', 'Construction', 'Learning Centre'])
      expect(p.some((x) => x.name.includes(form))).toBe(true);
    const ev = demo.provider_evidence;
    expect(ev.some((e) => e.item === 'public_liability_insurance' && e.expires_on < TODAY)).toBe(true);
    expect(ev.some((e) => e.status === 'missing')).toBe(true);
    const oldDsl = ev.filter((e) => e.item === 'dsl' && e.evidence_date < '2024-11-27');
    expect(oldDsl.length).toBeGreaterThan(0);
    const keys = ev.map((e) => `${e.provider_ref}|${e.item}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(demo.provider_visits.length).toBeGreaterThan(p.length);
    expect(new Set(demo.provider_visits.map((v) => v.visitor))).toEqual(new Set(['la', 'school']));
  });

  test('every UPN is valid and unique', () => {
    const upns = demo.pupils.map((p) => p.upn);
    expect(upns.filter((u) => !isValidUpn(u))).toEqual([]);
    expect(new Set(upns).size).toBe(upns.length);
  });

  test('pupils of every key stage, weighted to KS3 and KS4; SEN, looked after, FSM mixes; no roll and home educated', () => {
    const stages = new Map<string, number>();
    for (const p of demo.pupils) {
      const ks = keyStage(ncYear(p.date_of_birth, TODAY)) ?? 'post-16';
      stages.set(ks, (stages.get(ks) ?? 0) + 1);
    }
    const n = (k: string) => stages.get(k) ?? 0;
    for (const ks of ['KS1', 'KS2', 'KS3', 'KS4']) expect(n(ks)).toBeGreaterThan(0);
    expect((n('KS3') + n('KS4')) / demo.pupils.length).toBeGreaterThan(0.65);
    expect(Math.min(n('KS3'), n('KS4'))).toBeGreaterThan(Math.max(n('KS1'), n('KS2')));
    expect(new Set(demo.pupils.map((p) => p.sen_status))).toEqual(new Set(['none', 'sen_support', 'ehcp']));
    const share = (f: (p: (typeof demo.pupils)[number]) => boolean) =>
      demo.pupils.filter(f).length / demo.pupils.length;
    expect(share((p) => p.looked_after === 'true')).toBeGreaterThan(0.03);
    expect(share((p) => p.fsm === 'true')).toBeGreaterThan(0.3);
    expect(share((p) => p.fsm === 'true')).toBeLessThan(0.8);
    expect(demo.pupils.filter((p) => p.home_educated === 'true')).toHaveLength(3);
    const missingEducation = demo.pupils.filter(
      (p) => !p.school_urn && p.home_educated !== 'true' && isCompulsoryAge(p.date_of_birth, TODAY),
    );
    expect(missingEducation.length).toBeGreaterThan(0);
  });

  test('every placement type, reason and end reason; plans, checks and costs with some gaps', () => {
    const pl = demo.placements;
    expect(new Set(pl.map((p) => p.type))).toEqual(new Set(['full_time', 'part_time', 'in_school']));
    expect(new Set(pl.map((p) => p.reason))).toEqual(
      new Set(['permanent_exclusion', 'at_risk_of_exclusion', 'medical', 'semh', 'other']),
    );
    expect(new Set(pl.map((p) => p.end_reason))).toEqual(
      new Set(['', 'reintegrated', 'progressed', 'completed', 'moved', 'broke_down']),
    );
    for (const p of pl) {
      expect(isIsoDate(p.start_date)).toBe(true);
      if (p.end_date) expect(p.end_date >= p.start_date).toBe(true);
      if (p.planned_end_date) expect(p.planned_end_date >= p.start_date).toBe(true);
      expect(Number(p.hours_per_week)).toBeGreaterThanOrEqual(0);
      expect(Number(p.hours_per_week)).toBeLessThanOrEqual(40);
      expect(p.weekly_cost_gbp).toMatch(/^$|^\d+(\.\d\d)?$/);
    }
    expect(pl.some((p) => p.sessions !== '' && p.sessions.split(' ').length <= 4)).toBe(true);
    expect(pl.some((p) => p.objectives === '' || p.success_criteria === '')).toBe(true);
    expect(pl.some((p) => p.safeguarding_checked === 'false' || p.checks_date === '')).toBe(true);
    expect(pl.some((p) => p.commissioner_urn === '')).toBe(true);
    expect(pl.some((p) => p.end_date === '' && p.planned_end_date !== '' && p.planned_end_date < TODAY)).toBe(
      true,
    );
    const refs = new Set(pl.map((p) => p.placement_ref));
    expect(refs.size).toBe(pl.length);
    expect(demo.targets.every((t) => refs.has(t.placement_ref))).toBe(true);
    expect(demo.reviews.every((r) => refs.has(r.placement_ref) && r.review_date <= TODAY)).toBe(true);
    expect(new Set(demo.targets.map((t) => t.kind)).size).toBe(5);
  });

  test('every attendance row is on a school day of the pupil authority, inside its placement, before today', () => {
    const bad = badAttendance(demo, attendance, TODAY);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(attendance.length).toBeGreaterThan(20_000);
    const byKey = new Map(attendance.map((a) => [`${a.placement_ref}|${a.date}|${a.session}`, a]));
    for (const c of corrections) {
      const original = byKey.get(`${c.placement_ref}|${c.date}|${c.session}`);
      expect(original).toBeDefined();
      expect(c.code).not.toBe(original?.code);
      expect(Date.parse(c.recorded_at)).toBeGreaterThan(Date.parse(original?.recorded_at as string));
    }
    expect(corrections.length).toBeGreaterThan(20);
  });

  test('attendance covers a full academic year with real code mixes, part-time C2 and late recording', () => {
    const dates = attendance.map((a) => a.date).sort();
    expect(dates[0] <= '2025-09-05').toBe(true);
    expect(dates[dates.length - 1] >= '2026-11-20').toBe(true);
    const counts = new Map<string, number>();
    for (const a of attendance) counts.set(a.code, (counts.get(a.code) ?? 0) + 1);
    for (const code of ['/', '\\', 'L', 'C2', 'N', 'O', 'I', 'M', 'B'])
      expect(counts.get(code)).toBeGreaterThan(0);
    const present = ['/', '\\', 'L'].reduce((s, c) => s + (counts.get(c) ?? 0), 0);
    expect(present / attendance.length).toBeGreaterThan(0.5);
    const late = attendance.filter((a) => londonDay(a.recorded_at) > a.date);
    expect(late.length / attendance.length).toBeGreaterThan(0.01);
    expect(late.length / attendance.length).toBeLessThan(0.2);
    // Pupils differ: some attend well, some poorly.
    const rate = new Map<string, [number, number]>();
    for (const a of attendance) {
      if (a.code === 'C2') continue;
      const r = rate.get(a.placement_ref) ?? [0, 0];
      rate.set(a.placement_ref, [
        r[0] + (['/', '\\', 'L', 'B', 'V', 'P', 'W'].includes(a.code) ? 1 : 0),
        r[1] + 1,
      ]);
    }
    const rates = [...rate.values()].filter(([, n]) => n >= 20).map(([k, n]) => k / n);
    expect(rates.some((r) => r >= 0.95)).toBe(true);
    expect(rates.some((r) => r < 0.6)).toBe(true);
  });

  test("destinations only for last year's Year 11 leavers with a placement, recorded by today", () => {
    const pupils = new Map(demo.pupils.map((p) => [p.upn, p]));
    const placed = new Set(demo.placements.map((p) => p.upn));
    expect(demo.destinations.length).toBeGreaterThan(10);
    for (const d of demo.destinations) {
      const p = pupils.get(d.upn);
      expect(p && ncYear(p.date_of_birth, TODAY)).toBe(12);
      expect(placed.has(d.upn)).toBe(true);
      expect(d.recorded_on <= TODAY).toBe(true);
    }
    expect(new Set(demo.destinations.map((d) => d.activity)).size).toBeGreaterThanOrEqual(6);
  });

  test('options: one authority, an exact placement count, and clear errors', () => {
    const one = generateDemo({ seed: 3, pupils: 120, placements: 200, authorities: 1, today: TODAY });
    expect(one.authorities.map((a) => a.la_code)).toEqual(['802']);
    expect(one.placements).toHaveLength(200);
    expect(one.pupils).toHaveLength(120);
    const long = generateDemo({
      seed: 3,
      pupils: 100,
      authorities: 1,
      historyYears: 2,
      meanWeeks: 80,
      typeMix: { full_time: 1, part_time: 0, in_school: 0 },
      today: TODAY,
    });
    expect(long.calendar.filter((c) => c.kind === 'term')).toHaveLength(9);
    const full = long.placements.filter((p) => p.type === 'full_time').length;
    expect(full / long.placements.length).toBeGreaterThan(0.9);
    const firstMark = [...long.attendance()].map((a) => a.date).sort()[0];
    expect(firstMark < '2025-01-01').toBe(true);
    expect(() => generateDemo({ seed: 1, pupils: 5 })).toThrow(/pupils must be a whole number from 10/);
    const refused = (() => {
      try {
        generateDemo({ seed: 1, pupils: 5 });
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(DemoError);
    expect(refused).toMatchObject({ code: 'DEMO_OPTION_INVALID', field: 'pupils' });
    expect(() =>
      generateDemo({ seed: 1, pupils: 50, typeMix: { full_time: 0, part_time: 0, in_school: 0 } }),
    ).toThrow(/type mix/);
    expect(() => generateDemo({ seed: 1, pupils: 100, authorities: 4 })).toThrow(
      /authorities must be 1 to 3/,
    );
    expect(() => generateDemo({ seed: 1, pupils: 100, today: '2026-02-30' })).toThrow(/today must be a date/);
  });

  test.each(['2026-09-01', '2026-08-15', '2027-01-01', '2027-03-29', '2026-06-26'])(
    'a demo made on %s is as valid: marks on school days inside placements, dates in order',
    (today) => {
      const small = generateDemo({ seed: 9, pupils: 150, today });
      expect(badAttendance(small, [...small.attendance()], today).slice(0, 5)).toEqual([]);
      for (const p of small.placements) {
        if (p.end_date) expect(p.end_date >= p.start_date).toBe(true);
        if (p.planned_end_date) expect(p.planned_end_date >= p.start_date).toBe(true);
      }
      expect(small.destinations.every((d) => d.recorded_on <= today)).toBe(true);
    },
  );
});

/**
 * Keys of marks that break a rule of spec/import-formats.md or the demo's contract: not a school day of
 * the pupil's authority (the rule of indicators.md, written again here rather than reusing the
 * generator's calendar), outside the placement, on or after today, unknown code, the same key twice, or
 * recorded before the session's day or after today.
 */
function badAttendance(demo: DemoData, marks: { [k: string]: string }[], today: string): string[] {
  const terms = new Map<string, { start: string; end: string; kind: string }[]>();
  for (const c of demo.calendar) {
    const list = terms.get(c.la_code) ?? [];
    list.push({ start: c.start_date, end: c.end_date, kind: c.kind });
    terms.set(c.la_code, list);
  }
  const isSchoolDay = (la: string, d: string) => {
    const entries = terms.get(la) ?? [];
    return (
      isWeekday(d) &&
      entries.some((e) => e.kind === 'term' && e.start <= d && d <= e.end) &&
      !entries.some((e) => e.kind === 'closure' && e.start <= d && d <= e.end)
    );
  };
  const laOf = new Map(demo.pupils.map((p) => [p.upn, p.la_code]));
  const placements = new Map(demo.placements.map((p) => [p.placement_ref, p]));
  const seen = new Set<string>();
  const bad: string[] = [];
  for (const a of marks) {
    const p = placements.get(a.placement_ref);
    const key = `${a.placement_ref}|${a.date}|${a.session}`;
    const ok =
      p &&
      isSchoolDay(laOf.get(p.upn) as string, a.date) &&
      a.date >= p.start_date &&
      (!p.end_date || a.date <= p.end_date) &&
      a.date < today &&
      CODES.has(a.code) &&
      !seen.has(key) &&
      londonDay(a.recorded_at) >= a.date &&
      londonDay(a.recorded_at) < today;
    seen.add(key);
    if (!ok) bad.push(key);
  }
  return bad;
}
