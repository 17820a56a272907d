/**
 * The streams a command talks to. Commands never touch `process.stdout`
 * directly, so tests can run them in-process and read what they printed.
 */
import type { Readable, Writable } from 'node:stream';

export type OutputStream = Writable & { isTTY?: boolean; columns?: number };

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: OutputStream;
  stderr: OutputStream;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** Writes one line; output is small and line-oriented, so back-pressure is not worth a wait here. */
export function writeLine(stream: OutputStream, line = ''): void {
  stream.write(`${line}\n`);
}
