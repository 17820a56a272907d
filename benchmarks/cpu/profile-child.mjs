/**
 * Preloaded into pool children (`--child-flag=--import=<this file's URL>`), it
 * writes a CPU profile as the child ends: `--cpu-prof` writes none, because
 * the pool ends its children with a signal. Output: $RF_CHILD_PROF_DIR (default /tmp).
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 200 });
session.post('Profiler.start');
let written = false;
function write() {
  if (written) return;
  written = true;
  // The in-process inspector session answers synchronously, so this works inside 'exit'.
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(`${process.env.RF_CHILD_PROF_DIR ?? '/tmp'}/child-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
  });
}
process.on('exit', write);
process.on('SIGTERM', () => process.exit(0));
