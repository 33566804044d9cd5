import { renderFlags, renderFlagsCsv } from '../../src/cli/flags.command';
import { parseAssignments, renderSettings } from '../../src/cli/settings.command';
import type { Flag } from '../../src/indicators/flag-definition';
import { DEFAULT_SETTINGS, SETTING_DEFINITIONS } from '../../src/settings/settings.definitions';

const flags: Flag[] = [
  {
    code: 'NOT_ON_ROLL',
    subjectType: 'pupil',
    subjectKey: 'Z801200025003',
    authorities: ['801'],
    reason: 'Year 7, of compulsory school age, on no school roll and not home educated',
    subjectId: 4,
  },
];

describe('flags and settings commands', () => {
  it('prints flags as a JSON array of the public fields only', () => {
    expect(JSON.parse(renderFlags(flags, true))).toEqual([
      {
        code: 'NOT_ON_ROLL',
        subjectType: 'pupil',
        subjectKey: 'Z801200025003',
        authorities: ['801'],
        reason: 'Year 7, of compulsory school age, on no school roll and not home educated',
      },
    ]);
    expect(renderFlags([], true)).toBe('[]');
  });

  it('prints CSV with the registry title, quoting where needed', () => {
    const csv = renderFlagsCsv([{ ...flags[0], reason: 'a "quoted", reason' }]).split('\n');
    expect(csv).toEqual([
      'code,title,subject_type,subject_key,authorities,reason',
      'NOT_ON_ROLL,Not on a school roll,pupil,Z801200025003,801,"a ""quoted"", reason"',
    ]);
  });

  it('prints a table for people', () => {
    const lines = renderFlags(flags, false).split('\n');
    expect(lines[0]).toMatch(/^code\s+subject\s+key\s+authorities\s+reason$/);
    expect(lines[2]).toMatch(/^NOT_ON_ROLL\s+pupil\s+Z801200025003\s+801\s+Year 7/);
    expect(lines[3]).toBe('1 flag');
  });

  it('parses key=value, numbers for numeric settings, default to remove an override', () => {
    expect(
      parseAssignments([
        'partTimeLimitWeeks=8',
        'registrationSenCriterion=any_sen',
        'reviewIntervalWeeks=default',
      ]),
    ).toEqual([
      { key: 'partTimeLimitWeeks', value: 8 },
      { key: 'registrationSenCriterion', value: 'any_sen' },
      { key: 'reviewIntervalWeeks', value: null },
    ]);
    expect(() => parseAssignments(['partTimeLimitWeeks'])).toThrow('expected key=value');
    expect(() => parseAssignments(['noSuchSetting=1'])).toThrow('unknown setting noSuchSetting');
    expect(() => parseAssignments(['partTimeLimitWeeks=six'])).toThrow('must be a number');
  });

  it('shows every setting with its source', () => {
    const text = renderSettings([
      {
        laCode: '802',
        name: 'North Somerset',
        overrides: { partTimeLimitWeeks: 8 },
        values: { ...DEFAULT_SETTINGS, partTimeLimitWeeks: 8 },
      },
    ]);
    expect(text.split('\n')).toHaveLength(3 + SETTING_DEFINITIONS.length);
    expect(text).toMatch(/partTimeLimitWeeks\s+8\s+\(default 6\)/);
    expect(text).toMatch(/registrationSenCriterion\s+ehcp\s+default/);
  });
});
