/**
 * The fixture every http/ test file shares: one test server and one AgentPool
 * per file, started before its tests and closed after them. `server` and
 * `agents` are live bindings, set by the hooks `useTestEngine()` registers.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { AgentPool } from '../../dist/http/agents.js';
import { performRequest } from '../../dist/http/request.js';
import type { RequestSpec } from '../../dist/http/request-spec.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { specFor, type SpecOverrides } from './spec-for.js';

export let server: TestServer;
export let agents: AgentPool;

export function useTestEngine(): void {
  beforeAll(async () => {
    server = await startTestServer();
    agents = new AgentPool();
  });
  afterAll(async () => {
    agents.destroy();
    await server.close();
  });
}

/** performRequest of `path` on the test server, with requests' defaults and these overrides. */
export const send = (path: string, overrides: SpecOverrides = {}) =>
  performRequest(specFor(server.url + path, overrides), standaloneTaskContext(), { agents });
