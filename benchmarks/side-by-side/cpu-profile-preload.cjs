/**
 * Profiles every node process it is preloaded into, pool children included:
 *
 *   NODE_OPTIONS="--require $PWD/benchmarks/side-by-side/cpu-profile-preload.cjs" \
 *     CPU_PROFILE_DIR=/tmp/prof rf bench URL -d 5s --processes 2
 *
 * `--cpu-prof` cannot do this: NODE_OPTIONS refuses it, and the pool ends its
 * children with SIGTERM, which never writes a --cpu-prof profile. This writes
 * `<dir>/<pid>.cpuprofile` (Chrome DevTools' format) at exit and on SIGTERM.
 * Measurement only; never shipped.
 */
'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.CPU_PROFILE_DIR || '.';
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');

let written = false;
function writeProfile() {
  if (written) return;
  written = true;
  // The inspector answers in this thread, synchronously: safe in 'exit'.
  session.post('Profiler.stop', (error, result) => {
    if (!error) fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}
process.on('exit', writeProfile);
process.once('SIGTERM', () => {
  writeProfile();
  process.exit(143);
});
