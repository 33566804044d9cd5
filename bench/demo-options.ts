import { parseArgs } from 'node:util';
import { DemoOptions } from '../src/demo';

/** The `alp-hub demo` sizing options, for the demo benchmarks: --pupils 3000 --placements 4000 ... */
export function demoOptionsFromArgs(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string', default: '1' },
      pupils: { type: 'string', default: '600' },
      placements: { type: 'string' },
      authorities: { type: 'string' },
      'mean-weeks': { type: 'string' },
      'history-years': { type: 'string' },
      'type-mix': { type: 'string' },
      today: { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const mix = values['type-mix']?.split(',').map(Number);
  return {
    seed: Number(values.seed),
    pupils: Number(values.pupils),
    placements: num(values.placements),
    authorities: num(values.authorities),
    meanWeeks: num(values['mean-weeks']),
    historyYears: num(values['history-years']),
    typeMix: mix ? { full_time: mix[0], part_time: mix[1], in_school: mix[2] } : undefined,
    today: values.today,
  };
}
