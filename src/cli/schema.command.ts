import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { printHubSchema } from '../schema/build-schema';

/** `alp-hub schema [--out schema.graphql]`: prints the API's SDL, or writes it to a file. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the GraphQL schema (SDL), or write it with --out')
    .option('--out <file>', 'write the SDL to this file instead of printing it')
    .action(async (opts: { out?: string }) => {
      const sdl = await printHubSchema();
      if (opts.out) {
        await writeFile(opts.out, sdl);
        console.log(`wrote ${opts.out}`);
      } else {
        process.stdout.write(sdl);
      }
    });
}
