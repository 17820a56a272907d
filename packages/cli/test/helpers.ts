/** Shared by the CLI's end-to-end tests: run rf as a child process or in-process, and capture what it prints. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../dist/io.js';

export const RF_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/rf.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `bin`: another rf entry (e.g. bundle/rf.mjs); `env`: the child's whole environment. */
export async function runRfProcess(args: string[], options: { bin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [options.bin ?? RF_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** In-memory streams for running the CLI in this process. */
export function captureIo(stdinText = ''): { io: CliIo; output: () => { stdout: string; stderr: string } } {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const io: CliIo = {
    stdin: Readable.from([stdinText]),
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
  };
  return { io, output: () => ({ stdout, stderr }) };
}

/** A port nothing listens on: bound by a server that is then closed. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
