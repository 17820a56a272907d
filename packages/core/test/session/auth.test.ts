/**
 * requests' auth objects on both executors: HTTPDigestAuth against Python's
 * httpbin (/digest-auth, qop auth, MD5 and SHA-256), HTTPBasicAuth, and
 * custom auth — a function or AuthBase in-process, an fnRef across processes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AuthBase,
  FuturesSession,
  HTTPBasicAuth,
  HTTPDigestAuth,
  PicklingError,
  fnRef,
  type Executor,
  type PreparedRequest,
} from '@requests-futures/core';
import { startPythonHttpbin, type PythonHttpbin } from '../helpers/python-httpbin.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { executorCases } from './executors.js';

const AUTH_FUNCTIONS = new URL('../fixtures/auth-functions.mjs', import.meta.url);

class HeaderAuth extends AuthBase {
  constructor(private readonly value: string) {
    super();
  }
  call(request: PreparedRequest): PreparedRequest {
    request.headers.set('X-Custom', this.value);
    return request;
  }
}

let httpbin: PythonHttpbin;
let server: TestServer;
beforeAll(async () => {
  [httpbin, server] = await Promise.all([startPythonHttpbin(), startTestServer()]);
}, 40_000);
afterAll(async () => {
  // close() waits until /proc shows neither gunicorn process.
  await Promise.all([httpbin.close(), server.close()]);
});

const sentHeader = (body: { headers: Record<string, string> }, name: string) =>
  Object.entries(body.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

describe.each(executorCases)('auth on $name', ({ make, crossesProcesses }) => {
  let executor: Executor;
  let session: FuturesSession;
  beforeAll(() => {
    executor = make();
    session = new FuturesSession({ executor });
  });
  afterAll(async () => {
    await session.close();
    await executor.shutdown();
  });

  it.each(['MD5', 'SHA-256'])('HTTPDigestAuth answers /digest-auth/auth/user/pass/%s; the 401 is in history', async (algorithm) => {
    const resp = await session.get(`${httpbin.url}/digest-auth/auth/user/pass/${algorithm}`, { auth: new HTTPDigestAuth('user', 'pass') });
    expect(resp.statusCode).toBe(200);
    expect(resp.json()).toEqual({ authenticated: true, user: 'user' });
    expect(resp.history.map((r) => r.statusCode)).toEqual([401]);
    expect(resp.request.headers.get('authorization')).toMatch(new RegExp(`^Digest username="user".*algorithm="${algorithm}".*qop="auth", nc=00000001`));
  });

  it('a wrong password is answered once, then the 401 stands; a session-wide HTTPDigestAuth applies to every request', async () => {
    const wrong = await session.get(`${httpbin.url}/digest-auth/auth/user/pass/MD5`, { auth: new HTTPDigestAuth('user', 'nope') });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.history).toHaveLength(1);
    const local = new FuturesSession({ executor, auth: new HTTPDigestAuth('user', 'pass') });
    const resp = await local.get(`${httpbin.url}/digest-auth/auth/user/pass/SHA-256`);
    expect(resp.statusCode).toBe(200);
    await local.close();
  });

  it('HTTPBasicAuth sends Basic credentials', async () => {
    const resp = await session.get(`${httpbin.url}/basic-auth/u/p`, { auth: new HTTPBasicAuth('u', 'p') });
    expect(resp.json()).toEqual({ authenticated: true, user: 'u' });
  });

  it('custom auth by fnRef adds headers where the request runs (returning the request, or nothing)', async () => {
    const token = await session.get(`${server.url}/headers`, { auth: fnRef(AUTH_FUNCTIONS, 'addTokenHeader') });
    expect(sentHeader(token.json(), 'X-Token')).toBe('from-fnref');
    const signed = await session.get(`${server.url}/headers`, { auth: fnRef(AUTH_FUNCTIONS, 'signMethodAndPath') });
    expect(sentHeader(signed.json(), 'X-Signed')).toBe('GET /headers');
  });

  if (crossesProcesses) {
    it('a closure or an AuthBase of your own cannot cross: PicklingError naming auth, at the call', () => {
      expect(() => session.get(`${server.url}/headers`, { auth: (r: PreparedRequest) => r })).toThrow(PicklingError);
      expect(() => session.get(`${server.url}/headers`, { auth: new HeaderAuth('v') })).toThrow(/auth/);
    });
  } else {
    it('custom auth in-process: a closure or an AuthBase subclass', async () => {
      const viaClosure = await session.get(`${server.url}/headers`, {
        auth: (request: PreparedRequest) => {
          request.headers.set('X-Closure', 'yes');
          return request;
        },
      });
      expect(sentHeader(viaClosure.json(), 'X-Closure')).toBe('yes');
      const viaClass = await session.get(`${server.url}/headers`, { auth: new HeaderAuth('from-class') });
      expect(sentHeader(viaClass.json(), 'X-Custom')).toBe('from-class');
    });
  }
});

describe('auth validation', () => {
  it('anything else is a TypeError naming auth', () => {
    const session = new FuturesSession();
    expect(() => session.get('http://127.0.0.1:9/', { auth: 'user:pass' as never })).toThrow(/Request option 'auth' must be a \[user, password\] pair of strings, an AuthBase/);
    expect(() => {
      session.auth = ['only-user'] as never;
    }).toThrow(TypeError);
    void session.close();
  });
});
