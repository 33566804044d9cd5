import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { authoritiesWall } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { londonToday } from '../domain/dates';
import { setChangeContext } from '../history/change-context';
import { authoritiesInScope } from '../indicators/access';
import { IndicatorError } from '../indicators/indicator-error';
import { type Queryable, queryAnalytics } from '../indicators/queryable';
import {
  DEFAULT_SETTINGS,
  SETTING_DEFINITIONS,
  SettingValues,
  settingDefinition,
  settingOverridesSchema,
} from './settings.definitions';

export interface AuthoritySettings {
  laCode: string;
  name: string;
  /** Every setting: the override where there is one, else the default. */
  values: SettingValues;
  /** Only the keys this authority overrides. */
  overrides: SettingValues;
}

/** A requested change: a new value, or null to go back to the default. */
export interface SettingChangeRequest {
  key: string;
  value: number | string | null;
}

function resolve(overrides: SettingValues): SettingValues {
  return { ...DEFAULT_SETTINGS, ...overrides };
}

/** The settings of each authority in `laCodes` (null = every authority), sorted by LA code. */
export async function loadAuthoritySettings(
  db: Queryable,
  laCodes: string[] | null,
  asOf: string = londonToday(),
): Promise<AuthoritySettings[]> {
  const rows: { la_code: string; name: string; settings: SettingValues }[] = await queryAnalytics(
    db,
    authoritiesWall(laCodes),
    `SELECT la_code, name, settings FROM authority
     WHERE $1::text[] IS NULL OR la_code = ANY ($1::text[]) ORDER BY la_code`,
    [laCodes],
    asOf,
  );
  return rows.map((r) => ({
    laCode: r.la_code,
    name: r.name,
    overrides: r.settings,
    values: resolve(r.settings),
  }));
}

/**
 * Settings for a rule that is not about one pupil (provider rules, aggregates): those of the one
 * authority asked about, or the defaults when the question spans authorities.
 */
export async function settingsForScope(
  db: Queryable,
  laCodes: string[] | null,
  asOf: string = londonToday(),
): Promise<SettingValues> {
  if (laCodes?.length !== 1) return { ...DEFAULT_SETTINGS };
  const [one] = await loadAuthoritySettings(db, laCodes, asOf);
  return one ? one.values : { ...DEFAULT_SETTINGS };
}

export async function getSettings(
  db: Queryable,
  principal: Principal,
  authority?: string | null,
): Promise<AuthoritySettings[]> {
  return loadAuthoritySettings(db, await authoritiesInScope(db, principal, authority));
}

/** A value typed on a command line or sent as text: numbers for numeric settings, else as given. */
export function parseSettingValue(key: string, raw: string): number | string | null {
  const definition = settingDefinition(key);
  if (!definition) throw unknownKey(key);
  if (raw === 'default' || raw === '') return null;
  if (typeof definition.default === 'number') {
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(n)) {
      throw new IndicatorError('INVALID_SETTING', `${key} must be a number (${definition.unit})`, key);
    }
    return n;
  }
  return raw;
}

function toJson(v: number | string | null): string | null {
  return v === null ? null : JSON.stringify(v);
}

function unknownKey(key: string): IndicatorError {
  return new IndicatorError('INVALID_SETTING', `unknown setting ${key}`, key, {
    known: SETTING_DEFINITIONS.map((d) => d.key),
  });
}

/**
 * Applies the changes to one authority's overrides in one transaction, validating the result as a
 * whole, and records each key that really changed in setting_change with the caller's name.
 */
export async function updateSettings(
  dataSource: DataSource,
  principal: Principal,
  authority: string,
  changes: SettingChangeRequest[],
): Promise<AuthoritySettings> {
  if (principal.aggregatesOnly || !['admin', 'la_officer'].includes(principal.role)) {
    throw new IndicatorError('FORBIDDEN', 'only an administrator or an LA officer may change settings');
  }
  await authoritiesInScope(dataSource, principal, authority);
  for (const c of changes) if (!settingDefinition(c.key)) throw unknownKey(c.key);

  return dataSource.transaction(async (manager) => {
    await setChangeContext(manager, { actor: principal.name });
    const [row]: { id: number; settings: SettingValues }[] = await manager.query(
      'SELECT id, settings FROM authority WHERE la_code = $1 FOR UPDATE',
      [authority],
    );
    const next: SettingValues = { ...row.settings };
    for (const c of changes) {
      if (c.value === null) delete next[c.key];
      else next[c.key] = c.value;
    }
    const parsed = settingOverridesSchema.safeParse(next);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = String(issue.path[0] ?? '');
      throw new IndicatorError('INVALID_SETTING', `${key}: ${issue.message}`, key);
    }
    const changed = [...new Set(changes.map((c) => c.key))].filter(
      (key) => (row.settings[key] ?? null) !== (next[key] ?? null),
    );
    if (changed.length)
      await recordAudit(manager, principal, {
        action: 'settings',
        operation: 'update settings',
        subjectKind: 'authority',
        subjects: [authority],
        before: Object.fromEntries(changed.map((k) => [k, row.settings[k] ?? null])),
        after: Object.fromEntries(changed.map((k) => [k, next[k] ?? null])),
      });
    for (const key of changed) {
      const before = row.settings[key] ?? null;
      const after = next[key] ?? null;
      await manager.query(
        `INSERT INTO setting_change (authority_id, key, old_value, new_value, changed_by)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)`,
        [row.id, key, toJson(before), toJson(after), principal.name],
      );
    }
    await manager.query('UPDATE authority SET settings = $2::jsonb, updated_at = now() WHERE id = $1', [
      row.id,
      JSON.stringify(next),
    ]);
    const [updated] = await loadAuthoritySettings(manager, [authority]);
    return updated;
  });
}
