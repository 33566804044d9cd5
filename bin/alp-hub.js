#!/usr/bin/env node

const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'run.js');
if (!fs.existsSync(entry)) {
  console.error('alp-hub is not built yet: run `npm run build` (npm install does it through `prepare`).');
  process.exit(1);
}
// `alp-hub flags | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
require(entry).run(process.argv);
