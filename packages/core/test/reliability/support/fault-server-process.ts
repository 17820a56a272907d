/**
 * Starts ../fixtures/fault-server.ts in a child process of its own (so the
 * server's CPU is not the coordinator's) and talks to it over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaultServerStats, ParentMessage, ServerMessage } from '../fixtures/fault-server.js';

const SERVER_PATH = fileURLToPath(new URL('../fixtures/fault-server.ts', import.meta.url));
/** The workspace root, where `tsx` (the loader the .ts server needs) resolves from. */
const WORKSPACE_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

export interface FaultServerProcess {
  readonly url: string;
  readonly pid: number;
  stats(): Promise<FaultServerStats>;
  /** Resolves once the server has no open connection; rejects after `timeoutMs` with how many are left. */
  idle(timeoutMs: number): Promise<void>;
  /** Stops the server and waits for its process to exit. */
  stop(): Promise<void>;
}

function nextMessage<T extends ServerMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as Extract<ServerMessage, { type: T }>);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`fault server exited (code ${code}, signal ${signal}) before sending '${type}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startFaultServerProcess(seed: number): Promise<FaultServerProcess> {
  const child = fork(SERVER_PATH, [String(seed)], {
    cwd: WORKSPACE_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const command = (message: ParentMessage) => child.send(message);
  const { port } = await nextMessage(child, 'listening');
  const stats = (): Promise<FaultServerStats> => {
    const reply = nextMessage(child, 'stats');
    command({ type: 'stats' });
    return reply;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stats,
    async idle(timeoutMs) {
      const reply = nextMessage(child, 'idle');
      // Left pending when the wait expires: its later rejection (server stopped) is expected.
      reply.catch(() => undefined);
      command({ type: 'idle' });
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), timeoutMs)));
      const outcome = await Promise.race([reply, expired]);
      clearTimeout(timer);
      if (outcome === 'expired') {
        const { openConnections } = await stats();
        throw new Error(`the fault server still has ${openConnections} open connection(s) after ${timeoutMs} ms`);
      }
    },
    async stop() {
      if (child.connected) command({ type: 'stop' });
      await exited;
    },
  };
}
