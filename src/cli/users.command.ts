import { Command } from 'commander';
import { ROLES } from '../auth/principal';
import { addUser, disableUser, listUsers, setPassword } from '../auth/users.service';
import { formatTable } from '../indicators/text-table';
import { withDatabase } from './database';
import { cliOperator, readStdin } from './operator';

interface AddOptions {
  role: string;
  authority?: string[];
  school?: string;
  provider?: string;
  passwordStdin?: boolean;
  machine?: boolean;
  email?: string;
  name?: string;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('who may sign in, with which role and scope');
  users
    .command('add <username>')
    .description('add a user (the password, if any, is read from standard input)')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--authority <la...>', 'LA codes an la_officer or analyst acts for')
    .option('--school <urn>', 'the school of a school user or governor')
    .option('--provider <ref>', 'the provider of a provider user or machine client')
    .option('--password-stdin', 'read the password from standard input')
    .option('--machine', "a provider's system: signs in with tokens only")
    .option('--email <email>', 'for sign-in with OpenID Connect')
    .option('--name <display name>', 'shown on the dashboard')
    .action(async (username: string, opts: AddOptions) => {
      const password = opts.passwordStdin ? await readStdin() : null;
      const user = await withDatabase((db) =>
        addUser(db.dataSource, cliOperator(), {
          username,
          role: opts.role,
          authorities: opts.authority,
          schoolUrn: opts.school ?? null,
          providerRef: opts.provider ?? null,
          password,
          machine: opts.machine,
          email: opts.email ?? null,
          displayName: opts.name ?? null,
        }),
      );
      console.log(`added ${user.username} (${user.role})`);
    });
  users
    .command('list')
    .description('every user, with role, scope and state')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await withDatabase((db) => listUsers(db.dataSource, cliOperator()));
      if (opts.json) {
        console.log(JSON.stringify(all, null, 2));
        return;
      }
      console.log(
        formatTable(
          ['username', 'role', 'scope', 'sign-in', 'state'],
          all.map((u) => [
            u.username,
            u.role,
            [u.authorities.join(' '), u.schoolUrn, u.providerRef].filter(Boolean).join(' ') || 'all',
            u.machine
              ? 'tokens (machine)'
              : [u.hasPassword && 'password', u.oidc && 'oidc'].filter(Boolean).join(', ') || 'tokens',
            u.disabledAt ? `disabled ${u.disabledAt}` : 'enabled',
          ]),
        ),
      );
    });
  users
    .command('disable <username>')
    .description('stop a user signing in; their sessions and tokens stop working at once')
    .action(async (username: string) => {
      await withDatabase((db) => disableUser(db.dataSource, cliOperator(), username));
      console.log(`disabled ${username}`);
    });
  users
    .command('password <username>')
    .description("set a user's password, read from standard input")
    .action(async (username: string) => {
      const password = await readStdin();
      await withDatabase((db) => setPassword(db.dataSource, cliOperator(), username, password));
      console.log(`password set for ${username}`);
    });
}
