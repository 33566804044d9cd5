import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { printHubSchema } from '../../src/schema/build-schema';

const COMMITTED = path.join(__dirname, '..', '..', 'schema.graphql');

describe('schema.graphql', () => {
  it('is the SDL the code builds (regenerate: UPDATE_SCHEMA=1 npm test -- test/api/schema)', async () => {
    const built = await printHubSchema();
    if (process.env.UPDATE_SCHEMA === '1') await writeFile(COMMITTED, built);
    const committed = await readFile(COMMITTED, 'utf8');
    expect(committed).toBe(built);
  });

  it('is what `alp-hub schema` prints', async () => {
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      await buildProgram().parseAsync(['node', 'alp-hub', 'schema']);
    } finally {
      spy.mockRestore();
    }
    expect(chunks.join('')).toBe(await printHubSchema());
  });
});
