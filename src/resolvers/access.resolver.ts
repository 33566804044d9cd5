import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { AuditAction, listAudit } from '../audit/audit.service';
import { Allow } from '../auth/access-rules';
import { listUsers } from '../auth/users.service';
import {
  AuditArgs,
  AuditEventType,
  MeType,
  toAuditEventType,
  toMeType,
  toUserType,
  UserType,
} from '../schema/access.types';
import { Context } from '../server/context';

@Resolver()
export class AccessResolver {
  @Allow()
  @Query(() => MeType, { description: 'Who is signed in.' })
  me(@Ctx() ctx: Context): MeType {
    return toMeType(ctx.principal);
  }

  @Allow('admin')
  @Query(() => [UserType], { description: 'Every user (administrators).' })
  async users(@Ctx() ctx: Context): Promise<UserType[]> {
    return (await listUsers(ctx.db.dataSource, ctx.principal)).map(toUserType);
  }

  @Allow('admin')
  @Query(() => [AuditEventType], { description: 'The audit trail, newest first (administrators).' })
  async auditEvents(@Args() args: AuditArgs, @Ctx() ctx: Context): Promise<AuditEventType[]> {
    const rows = await listAudit(ctx.db.dataSource, ctx.principal, {
      since: args.since?.toISOString() ?? null,
      until: args.until?.toISOString() ?? null,
      user: args.user,
      subject: args.subject,
      action: (args.action as AuditAction | null | undefined) ?? null,
      limit: args.first,
    });
    return rows.map(toAuditEventType);
  }
}
