import { IsIn, IsOptional, Length, Max, Min } from 'class-validator';
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { AuditEvent } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ROLES } from '../auth/principal';
import type { UserSummary } from '../auth/users.service';
import { DateTime } from './scalars';

@ObjectType('Me', {
  simpleResolvers: true,
  description: 'Who is signed in, and the scope their role gives them.',
})
export class MeType {
  @Field()
  username: string;

  @Field({ description: `One of ${ROLES.join(', ')}.` })
  role: string;

  @Field(() => [String], { description: 'LA codes acted for; empty for an administrator (all).' })
  authorities: string[];

  @Field(() => String, { nullable: true })
  schoolUrn: string | null;

  @Field(() => String, { nullable: true })
  providerRef: string | null;

  @Field({ description: 'True for governors and analysts: figures are suppressed below the threshold.' })
  aggregatesOnly: boolean;
}

export function toMeType(p: Principal): MeType {
  return {
    username: p.name,
    role: p.role,
    authorities: p.authorities,
    schoolUrn: p.schoolUrn,
    providerRef: p.providerRef,
    aggregatesOnly: p.aggregatesOnly,
  };
}

@ObjectType('User', { simpleResolvers: true })
export class UserType {
  @Field()
  username: string;

  @Field()
  role: string;

  @Field(() => [String])
  authorities: string[];

  @Field(() => String, { nullable: true })
  schoolUrn: string | null;

  @Field(() => String, { nullable: true })
  providerRef: string | null;

  @Field({ description: "A provider's system: bearer tokens only." })
  machine: boolean;

  @Field()
  hasPassword: boolean;

  @Field({ description: 'Signs in through OpenID Connect.' })
  oidc: boolean;

  @Field(() => DateTime)
  createdAt: string;

  @Field(() => DateTime, { nullable: true })
  disabledAt: string | null;
}

export function toUserType(u: UserSummary): UserType {
  return { ...u };
}

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'One row of the append-only audit trail.' })
export class AuditEventType {
  @Field()
  id: string;

  @Field(() => DateTime)
  at: string;

  @Field({ description: 'The username, `os:<user>` for the CLI, or the name tried at a failed sign-in.' })
  actor: string;

  @Field(() => String, { nullable: true })
  role: string | null;

  @Field()
  action: string;

  @Field()
  operation: string;

  @Field(() => String, { nullable: true })
  subjectKind: string | null;

  @Field(() => [String], { description: 'Pupil UPNs, placement references, usernames (the first 5,000).' })
  subjects: string[];

  @Field(() => Int)
  subjectCount: number;

  @Field(() => String, { nullable: true, description: 'The record before a change, as JSON.' })
  before: string | null;

  @Field(() => String, { nullable: true, description: 'The record after a change, as JSON.' })
  after: string | null;

  @Field(() => String, { nullable: true })
  address: string | null;

  @Field(() => String, { nullable: true })
  client: string | null;
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

export function toAuditEventType(e: AuditEvent): AuditEventType {
  return { ...e, before: json(e.before), after: json(e.after) };
}

const ACTIONS = [
  'read',
  'create',
  'update',
  'delete',
  'import',
  'export',
  'report',
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'token',
  'user',
  'settings',
];

@ArgsType()
export class AuditArgs {
  @Field(() => DateTime, { nullable: true })
  since?: Date | null;

  @Field(() => DateTime, { nullable: true })
  until?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  user?: string | null;

  @Field(() => String, { nullable: true, description: 'A pupil UPN, placement reference or username.' })
  @IsOptional()
  @Length(1, 100)
  subject?: string | null;

  @Field(() => String, { nullable: true, description: `One of ${ACTIONS.join(', ')}.` })
  @IsOptional()
  @IsIn(ACTIONS)
  action?: string | null;

  @Field(() => Int, { defaultValue: 100 })
  @Min(1)
  @Max(1000)
  first: number;
}
