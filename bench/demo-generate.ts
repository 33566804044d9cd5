import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemo, writeDemoCsv } from '../src/demo';
import { demoOptionsFromArgs } from './demo-options';

/**
 * Generating and writing the demo at benchmark sizes (no database): time, rows, file sizes and peak
 * memory, to show attendance is streamed. Usage (after `npm run build`), with the options of
 * `alp-hub demo`:
 *   node dist/bench/demo-generate.js --pupils 3000 --placements 4000 --authorities 1 \
 *     --mean-weeks 160 --history-years 2 --type-mix 60,30,10 --today 2026-08-31
 */
function main(): void {
  const options = demoOptionsFromArgs(process.argv.slice(2));
  const folder = mkdtempSync(path.join(os.tmpdir(), 'alp-hub-demo-gen-'));
  try {
    const t = performance.now();
    const data = generateDemo(options);
    const files = writeDemoCsv(folder, data);
    const ms = Math.round(performance.now() - t);
    // maxRSS (kilobytes) is the process's peak; generation is synchronous, so no sampler could run.
    const peakRssMb = Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
    console.log(
      JSON.stringify({
        options: data.options,
        ms,
        peakRssMb,
        files: files.map((f) => ({
          file: path.relative(folder, f.file),
          rows: f.rows,
          mb: Math.round(statSync(f.file).size / 1e5) / 10,
        })),
      }),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main();
