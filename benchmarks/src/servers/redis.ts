/** A throwaway redis-server on loopback for the distributed scenarios: no persistence, stopped with the scenario. */
import { ManagedProcess } from '../proc/managed-process.js';
import { freePort, waitForPort } from './free-port.js';
import { ServerStartError } from './server-start-error.js';

export interface RedisInstance {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startRedis(redisServerPath: string): Promise<RedisInstance> {
  const port = await freePort();
  const proc = new ManagedProcess('redis-server', redisServerPath, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    await waitForPort(port, 10_000, () => proc.running);
  } catch (error) {
    await proc.stop();
    throw new ServerStartError('redis-server', (error as Error).message);
  }
  return { url: `redis://127.0.0.1:${port}`, pid: proc.child.pid!, stop: () => proc.stop() };
}
