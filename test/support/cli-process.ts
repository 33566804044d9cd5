// `alp-hub <args>` run from the sources in a child process, exactly as bin/alp-hub.js runs the built CLI.
import 'reflect-metadata';
import { run } from '../../src/cli/run';

void run(process.argv);
