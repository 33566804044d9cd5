import 'reflect-metadata';
import { Command } from 'commander';
import { registerAudit } from './audit.command';
import { registerDemo } from './demo.command';
import { registerFlags } from './flags.command';
import { registerImport } from './import.command';
import { registerImports } from './imports.command';
import { registerIndicators } from './indicators.command';
import { registerKeepPoints } from './keep-points.command';
import { registerMigrate } from './migrate.command';
import { registerPupils } from './pupils.command';
import { registerReport } from './report.command';
import { registerSchema } from './schema.command';
import { registerSettings } from './settings.command';
import { registerTokens } from './tokens.command';
import { registerUsers } from './users.command';

/** Each command lives in its own `<name>.command.ts` and registers itself here. */
const COMMANDS: ((program: Command) => void)[] = [
  registerMigrate,
  registerFlags,
  registerIndicators,
  registerKeepPoints,
  registerReport,
  registerSettings,
  registerSchema,
  registerDemo,
  registerImport,
  registerUsers,
  registerTokens,
  registerAudit,
  registerImports,
  registerPupils,
];

export function buildProgram(): Command {
  const program = new Command('alp-hub')
    .description('Alternative learning provision hub: import, flags, indicators, reports, demo data')
    .showHelpAfterError();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
