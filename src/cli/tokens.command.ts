import { Command } from 'commander';
import { createToken, parseDuration, revokeToken } from '../auth/tokens.service';
import { withDatabase } from './database';
import { cliOperator } from './operator';

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('bearer tokens for scripts and machine clients');
  tokens
    .command('create <username>')
    .description('create a token for a user and print it (alone on stdout; it is shown only once)')
    .option('--expires-in <duration>', 'lifetime: 30d, 12h or 90m', '30d')
    .action(async (username: string, opts: { expiresIn: string }) => {
      const ms = parseDuration(opts.expiresIn);
      const { token, expiresAt } = await withDatabase((db) =>
        createToken(db.dataSource, cliOperator(), username, ms),
      );
      console.error(`token for ${username}, expires ${expiresAt}`);
      console.log(token);
    });
  tokens
    .command('revoke <token>')
    .description('revoke a token at once')
    .action(async (token: string) => {
      await withDatabase((db) => revokeToken(db.dataSource, cliOperator(), token));
      console.log('revoked');
    });
}
