/**
 * What every download test file shares: a LyingServer, a temporary directory
 * and the engine's send, started before its tests and ended after them; and a
 * FuturesSession on each executor for the tests that cross processes.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuturesSession, type Executor } from '@requests-futures/core';
import { engine } from './engine.js';
import { LyingServer } from './lying-server.js';

export interface DownloadFixture {
  server: LyingServer;
  dir: string;
  send: ReturnType<typeof engine>['send'];
}

/** The returned object's server and dir are set by the beforeAll this registers. */
export function useDownloadFixture(prefix: string): DownloadFixture {
  const { send, destroy } = engine();
  const fixture = { send } as DownloadFixture;
  beforeAll(async () => {
    fixture.server = await LyingServer.start();
    fixture.dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    destroy();
    await Promise.all([fixture.server?.close(), fixture.dir && rm(fixture.dir, { recursive: true, force: true })]);
  });
  return fixture;
}

export interface SessionFixture {
  executor: Executor;
  session: FuturesSession;
}

/** A FuturesSession on `make()`'s executor for the enclosing describe, shut down after it. */
export function useSessionOn(make: () => Executor): SessionFixture {
  const fixture = {} as SessionFixture;
  beforeAll(() => {
    fixture.executor = make();
    fixture.session = new FuturesSession({ executor: fixture.executor });
  });
  afterAll(async () => {
    await fixture.session.close();
    await fixture.executor.shutdown();
  });
  return fixture;
}
