#!/usr/bin/env node
/** The `rf` executable: runs the CLI on this process's arguments; Ctrl-C or SIGTERM interrupts a download cleanly once, then kills. */
import { Interrupted } from './errors.js';
import { claimProcess } from './own-process.js';
import { runCli } from './program.js';

claimProcess();

const interrupt = new AbortController();
for (const signalName of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signalName, () => {
    const reason = new Interrupted(signalName);
    interrupt.abort(reason);
    // A second signal is the user insisting: exit at once.
    process.once(signalName, () => process.exit(reason.exitCode));
  });
}

process.exitCode = await runCli(process.argv.slice(2), { signal: interrupt.signal });
