import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import {
  AuthoritySettingsType,
  SettingChangeInput,
  toAuthoritySettingsType,
} from '../schema/indicator-settings.types';
import { Context } from '../server/context';
import { getSettings, parseSettingValue, updateSettings } from '../settings/settings.service';

@Resolver()
export class SettingsResolver {
  @Allow('admin', 'la_officer', 'school', 'analyst')
  @Query(() => [AuthoritySettingsType], {
    description: 'Indicator thresholds of one authority, or of every authority you may see.',
  })
  async settings(
    @Arg('authority', () => String, { nullable: true }) authority: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuthoritySettingsType[]> {
    return (await getSettings(ctx.db.dataSource, ctx.principal, authority)).map(toAuthoritySettingsType);
  }

  @Allow('admin', 'la_officer')
  @Mutation(() => AuthoritySettingsType, {
    description: 'Changes thresholds of one authority; each change is recorded with who made it and when.',
  })
  async updateSettings(
    @Arg('authority', () => String) authority: string,
    @Arg('changes', () => [SettingChangeInput])
    changes: SettingChangeInput[],
    @Ctx() ctx: Context,
  ): Promise<AuthoritySettingsType> {
    const requests = changes.map((c) => ({ key: c.key, value: parseSettingValue(c.key, c.value ?? '') }));
    return toAuthoritySettingsType(
      await updateSettings(ctx.db.dataSource, ctx.principal, authority, requests),
    );
  }
}
