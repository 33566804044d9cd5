import { Command } from 'commander';
import { IndicatorError } from '../indicators/indicator-error';
import { formatTable } from '../indicators/text-table';
import { DEFAULT_SETTINGS, SETTING_DEFINITIONS } from '../settings/settings.definitions';
import {
  AuthoritySettings,
  getSettings,
  parseSettingValue,
  SettingChangeRequest,
  updateSettings,
} from '../settings/settings.service';
import { withDatabase } from './database';
import { cliOperator } from './operator';

interface SettingsOptions {
  authority?: string;
  set?: string[];
  json?: boolean;
}

/** `key=value` pairs from the command line; `key=default` goes back to the default. */
export function parseAssignments(assignments: string[]): SettingChangeRequest[] {
  return assignments.map((a) => {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new IndicatorError('INVALID_SETTING', `expected key=value, got "${a}"`);
    const key = a.slice(0, eq).trim();
    return { key, value: parseSettingValue(key, a.slice(eq + 1).trim()) };
  });
}

export function renderSettings(all: AuthoritySettings[]): string {
  return all
    .map((s) => {
      const rows = SETTING_DEFINITIONS.map((d) => [
        d.key,
        String(s.values[d.key]),
        d.key in s.overrides ? `(default ${DEFAULT_SETTINGS[d.key]})` : 'default',
        d.unit,
        d.description,
      ]);
      return `${s.laCode} ${s.name}\n${formatTable(['setting', 'value', 'source', 'unit', 'meaning'], rows)}`;
    })
    .join('\n\n');
}

export function registerSettings(program: Command): void {
  program
    .command('settings')
    .description("show an authority's indicator thresholds, or change them with --set key=value")
    .option('--authority <la>', 'the authority (LA code); required with --set')
    .option('--set <assignment...>', 'key=value (key=default removes the override)')
    .option('--json', 'print JSON')
    .action(async (opts: SettingsOptions) => {
      const principal = cliOperator();
      const result = await withDatabase(async (db) => {
        if (opts.set?.length) {
          if (!opts.authority)
            throw new IndicatorError('INVALID_SETTING', '--set needs --authority', 'authority');
          return [await updateSettings(db.dataSource, principal, opts.authority, parseAssignments(opts.set))];
        }
        return getSettings(db.dataSource, principal, opts.authority);
      });
      console.log(opts.json ? JSON.stringify(result, null, 2) : renderSettings(result));
    });
}
