import { localAdministrator } from '../../src/auth/principal';
import type { Flag } from '../../src/indicators/flag-definition';
import { FlagLists, listKey } from '../../src/indicators/flag-lists';

const flag = (subjectKey: string): Flag => ({
  code: 'NOT_ON_ROLL',
  subjectType: 'pupil',
  subjectKey,
  authorities: ['801'],
  reason: '',
  subjectId: 1,
});

describe('kept flag lists', () => {
  it('answers a token only for its key, until it expires', () => {
    let now = 0;
    const lists = new FlagLists(1_000, 4, () => now);
    const list = [flag('A')];
    const token = lists.put('k', list);
    expect(lists.get(token, 'k')).toBe(list);
    expect(lists.get(token, 'other')).toBeUndefined();
    expect(lists.get('no-such-token', 'k')).toBeUndefined();
    now = 1_000;
    expect(lists.get(token, 'k')).toBeUndefined();
  });

  it('keeps at most its number of lists, dropping the least recently used', () => {
    const lists = new FlagLists(60_000, 2);
    const a = lists.put('k', [flag('A')]);
    const b = lists.put('k', [flag('B')]);
    expect(lists.get(a, 'k')).toBeDefined(); // a is now the most recently used
    const c = lists.put('k', [flag('C')]);
    expect(lists.get(b, 'k')).toBeUndefined();
    expect(lists.get(a, 'k')).toBeDefined();
    expect(lists.get(c, 'k')).toBeDefined();
  });

  it('keys a list by who asked, with their scope, and what', () => {
    const admin = localAdministrator('a');
    const officer = { ...admin, role: 'la_officer' as const, authorities: ['802', '801'] };
    const q = { asOf: '2026-03-02' };
    expect(listKey(admin, q)).not.toBe(listKey(officer, q));
    expect(listKey(officer, q)).toBe(listKey({ ...officer, authorities: ['801', '802'] }, q));
    expect(listKey(officer, q)).not.toBe(listKey({ ...officer, authorities: ['801'] }, q));
    expect(listKey(admin, q)).not.toBe(listKey(admin, { asOf: '2026-03-03' }));
  });
});
