/**
 * The `rf` program: both subcommands, usage errors mapped to exit code 2.
 * `runCli` is the whole CLI as a function, so it can run in-process (tests,
 * the demo) as well as from the bin script.
 */
import { Command, CommanderError } from 'commander';
// The version alone: the engine's index would load tinypool, tough-cookie and the codec to print help.
import { version } from '@requests-futures/core/version';
import { registerBenchCommand } from './bench/command.js';
import { registerDownloadCommand } from './download/command.js';
import { registerWorkerCommand } from './worker/command.js';
import { UsageError } from './errors.js';
import { processIo, writeLine, type CliIo } from './io.js';
import { describeError } from './util/format.js';

export const EXIT_USAGE = 2;

export interface RunCliOptions {
  io?: CliIo;
  /** Aborting interrupts a running download or bench (the bin script wires Ctrl-C and SIGTERM to it). */
  signal?: AbortSignal;
}

export function buildProgram(io: CliIo, done: (exitCode: number) => void, signal?: AbortSignal): Command {
  const program = new Command('rf')
    .description('bulk downloads and load generation on requests-futures')
    .version(version, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(rf --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerDownloadCommand(program, io, done, signal);
  registerBenchCommand(program, io, done, signal);
  registerWorkerCommand(program, io, done, signal);
  return program;
}

/** Runs `rf` with these arguments (without "node rf.js"); resolves to the exit code. */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code), options.signal);
  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Help and --version end the parse with exit code 0; every other commander error is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof UsageError) {
      writeLine(io.stderr, `rf: ${error.message}`);
      return EXIT_USAGE;
    }
    writeLine(io.stderr, `rf: ${describeError(error)}`);
    return 1;
  }
}
