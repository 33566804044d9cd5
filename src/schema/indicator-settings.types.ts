import { Length } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import { DEFAULT_SETTINGS, SETTING_DEFINITIONS } from '../settings/settings.definitions';
import type { AuthoritySettings } from '../settings/settings.service';

@ObjectType('IndicatorSetting', {
  simpleResolvers: true,
  description: 'One threshold of spec/indicators.md for one authority.',
})
export class IndicatorSettingType {
  @Field()
  key: string;

  @Field({ description: 'The value in force (numbers as decimal text).' })
  value: string;

  // named apart from its property: type-graphql's own resolver reads the property, the default one would not
  @Field({ name: 'default', simple: false })
  defaultValue: string;

  @Field({ description: 'True when the authority overrides the default.' })
  overridden: boolean;

  @Field()
  unit: string;

  @Field()
  description: string;
}

@ObjectType('AuthoritySettings', { simpleResolvers: true })
export class AuthoritySettingsType {
  @Field()
  laCode: string;

  @Field()
  name: string;

  @Field(() => [IndicatorSettingType])
  settings: IndicatorSettingType[];
}

@InputType({ description: 'A new value for one setting; null (or "default") goes back to the default.' })
export class SettingChangeInput {
  @Field()
  @Length(1, 64)
  key: string;

  @Field(() => String, { nullable: true })
  @Length(0, 64)
  value?: string | null;
}

export const MAX_SETTING_CHANGES = SETTING_DEFINITIONS.length;

export function toAuthoritySettingsType(s: AuthoritySettings): AuthoritySettingsType {
  return {
    laCode: s.laCode,
    name: s.name,
    settings: SETTING_DEFINITIONS.map((d) => ({
      key: d.key,
      value: String(s.values[d.key]),
      defaultValue: String(DEFAULT_SETTINGS[d.key]),
      overridden: d.key in s.overrides,
      unit: d.unit,
      description: d.description,
    })),
  };
}
