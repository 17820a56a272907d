#!/usr/bin/env node
/** The `rf` executable: runs the CLI on this process's arguments; Ctrl-C interrupts a download cleanly once, then kills. */
import { runCli } from './program.js';

const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort(new Error('interrupted (SIGINT)'));
  // A second Ctrl-C is the user insisting: default handling (exit) again.
  process.once('SIGINT', () => process.exit(130));
});

process.exitCode = await runCli(process.argv.slice(2), { signal: interrupt.signal });
