// run() (src/cli/run.ts) around a stand-in command that fails in the way argv[2] names.
import { run } from '../../src/cli/run';

const faults: Record<string, () => Promise<void>> = {
  // a promise nobody will ever settle, and nothing else left to do: what a dead COPY once looked like
  stuck: () => new Promise<void>(() => undefined),
  rejection: async () => {
    void Promise.reject(new Error('nobody caught this'));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  },
  exception: async () => {
    setTimeout(() => {
      throw new Error('thrown from a timer');
    }, 10);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  },
  throws: async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  },
  ok: async () => undefined,
};

void run(process.argv, () => faults[process.argv[2]]());
