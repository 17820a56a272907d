/** A redis-server and a hold server for one test file, started before its tests and stopped after. */
import { afterAll, beforeAll } from '@jest/globals';
import { startHoldServer, startRedisServer, type HoldServer, type RedisServer } from '@requests-futures/testing';

export interface FileServers {
  redis: RedisServer;
  hold: HoldServer;
}

export function useRedisAndHoldServer(): FileServers {
  const servers = {} as FileServers;
  beforeAll(async () => {
    servers.redis = await startRedisServer();
    servers.hold = await startHoldServer();
  });
  afterAll(async () => {
    await servers.hold?.close();
    await servers.redis?.stop();
  });
  return servers;
}

/** The ids of a queue's jobs that Redis holds now (our ids start with 'rf'). */
export async function jobKeys(redis: RedisServer, queue: string): Promise<string[]> {
  return (await redis.command('KEYS', `rf:${queue}:rf*`)).filter((key) => key.split(':').length === 3);
}
