/**
 * The `session` a backgroundCallback receives, on both executors. In this
 * process it is the FuturesSession itself; in a pool child (where it used to be
 * undefined) a read-only SessionView of what the request carried: headers
 * (the session's merged with the request's), auth, verify, and cookies (those
 * sent plus those the response set).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, fnRef } from '@requests-futures/core';
import { startTestServer } from '../helpers/server.js';
import { executorCases } from './executors.js';

const describeSession = fnRef(new URL('../fixtures/background-session.ts', import.meta.url), 'describeSession');

describe.each(executorCases)('backgroundCallback session on $name', ({ make, crossesProcesses }) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let session: FuturesSession;
  beforeAll(async () => {
    server = await startTestServer();
    session = new FuturesSession({ executor: make(), headers: { 'X-Session': 's1' }, auth: ['user', 'pass'], verify: false, trustEnv: false });
    session.cookies.set('old', 'o1');
  });
  afterAll(async () => {
    await session.close();
    await session.executor.shutdown();
    await server.close();
  });

  it('can read headers, cookies, auth and verify', async () => {
    const seen = await session.get(`${server.url}/cookies/set?fresh=f1`, { headers: { 'X-Request': 'r1' }, backgroundCallback: describeSession });
    expect(seen).toMatchObject({ header: 's1', old: 'o1', auth: ['user', 'pass'], verify: false });
    if (crossesProcesses) {
      // The view: what this request carried, the response's cookie included.
      expect(seen).toMatchObject({ kind: 'SessionView', requestHeader: 'r1', cookies: { old: 'o1', fresh: 'f1' } });
    } else {
      // The session itself: its own headers only, and the response's cookie is stored when the future resolves.
      expect(seen).toMatchObject({ kind: 'FuturesSession', requestHeader: null, cookies: { old: 'o1' } });
    }
    expect(session.cookies.get('fresh')).toBe('f1');
  });
});
