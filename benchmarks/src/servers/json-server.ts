/**
 * Starts the JSON server in a separate Node process and hands back its URLs.
 */
import { fileURLToPath } from 'node:url';
import { ManagedProcess } from '../proc/managed-process.js';
import { onCleanup } from '../proc/cleanup.js';
import { ServerStartError } from './server-start-error.js';

export interface JsonServer {
  origin: string;
  /** ≈200-byte JSON */
  smallUrl: string;
  /** ≈50 KB JSON array */
  bigUrl: string;
  smallBytes: number;
  bigBytes: number;
  pid: number;
  stop(): Promise<void>;
}

interface ReadyMessage {
  port: number;
  smallBytes: number;
  bigBytes: number;
}

export async function startJsonServer(): Promise<JsonServer> {
  const childPath = fileURLToPath(new URL('./json-server-child.ts', import.meta.url));
  // process.execArgv carries `--import tsx`, which the .ts child needs too.
  const proc = new ManagedProcess('json-server', process.execPath, [...process.execArgv, childPath], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ServerStartError('json-server', 'no port after 20 s')), 20_000);
    proc.child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as ReadyMessage);
    });
    void proc.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new ServerStartError('json-server', `exited early (code ${code}, signal ${signal})`));
    });
  }).catch(async (error: unknown) => {
    await proc.stop();
    throw error;
  });
  const removeCleanup = onCleanup(() => proc.stop());
  const origin = `http://127.0.0.1:${ready.port}`;
  return {
    origin,
    smallUrl: `${origin}/json`,
    bigUrl: `${origin}/big`,
    smallBytes: ready.smallBytes,
    bigBytes: ready.bigBytes,
    pid: proc.child.pid ?? -1,
    async stop() {
      if (proc.child.connected) proc.child.disconnect();
      await proc.stop();
      removeCleanup();
    },
  };
}
