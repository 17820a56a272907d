/**
 * buildSpec resolves every field of a RequestSpec once, defaults included, so
 * the engine never applies one again (issue #14 item 1).
 */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MAX_BACKOFF, DEFAULT_MAX_REDIRECTS, DEFAULT_POOL_SIZE, DEFAULT_RETRY_METHODS, DEFAULT_RETRY_STATUS_CODES } from '../../dist/http/request-defaults.js';
import { specForCrossing, specFromCrossing, type CrossingSpec, type RequestSpec } from '../../dist/http/request-spec.js';
import { buildSpec, specPartsToCheck } from '../../dist/session/merge.js';
import { SessionState } from '../../dist/session/session-state.js';
import { specFor } from '../http/spec-for.js';

const NO_ENV = {};
const URL_ = 'http://a.example/x';

describe('buildSpec', () => {
  it('sets every field, "none" as null and never undefined, with requests\' defaults', () => {
    const spec = buildSpec(new SessionState({ trustEnv: false }), 'get', URL_, {}, NO_ENV);
    const missing = Object.entries(spec).filter(([, value]) => value === undefined).map(([key]) => key);
    expect(missing).toEqual([]);
    // The engine's tests build their specs with specFor: it is what the session builds.
    expect(spec).toEqual({ ...specFor(URL_), headers: spec.headers, cookieJar: spec.cookieJar });
    expect(spec.pool).toEqual({ maxSize: DEFAULT_POOL_SIZE, block: false });
    expect(spec.maxRedirects).toBe(DEFAULT_MAX_REDIRECTS);
    expect([DEFAULT_MAX_REDIRECTS, DEFAULT_POOL_SIZE]).toEqual([30, 10]);
  });

  it('resolves retries with urllib3\'s defaults, methods upper-cased, and drops a limit of 0', () => {
    const state = new SessionState({ trustEnv: false, retries: 2 });
    expect(buildSpec(state, 'GET', URL_, {}, NO_ENV).retries).toEqual({
      limit: 2,
      methods: [...DEFAULT_RETRY_METHODS],
      statusCodes: [...DEFAULT_RETRY_STATUS_CODES],
      backoffFactor: 0,
      maxBackoff: DEFAULT_MAX_BACKOFF,
    });
    expect(DEFAULT_RETRY_STATUS_CODES).toEqual([429, 503]);
    const own = buildSpec(state, 'GET', URL_, { retries: { limit: 1, methods: ['post'], statusCodes: [500], backoffFactor: 0.5, maxBackoff: 2 } }, NO_ENV);
    expect(own.retries).toEqual({ limit: 1, methods: ['POST'], statusCodes: [500], backoffFactor: 0.5, maxBackoff: 2 });
    expect(buildSpec(state, 'GET', URL_, { retries: 0 }, NO_ENV).retries).toBeNull();
  });

  it('refuses retry options the engine could not use, naming the field', () => {
    const state = new SessionState({ trustEnv: false });
    expect(() => buildSpec(state, 'GET', URL_, { retries: { limit: 1.5 } }, NO_ENV)).toThrow(/retries\.limit must be a non-negative integer, got 1\.5/);
    expect(() => buildSpec(state, 'GET', URL_, { retries: { limit: 1, backoffFactor: -1 } }, NO_ENV)).toThrow(RangeError);
  });

  it('grows the pool with the executor and takes a mount\'s pool, block included', () => {
    const state = new SessionState({ trustEnv: false }, 32);
    expect(buildSpec(state, 'GET', URL_, {}, NO_ENV).pool).toEqual({ maxSize: 32, block: false });
    state.adapters.mount('http://a.example/', { poolMaxSize: 2, poolBlock: true });
    const spec = buildSpec(state, 'GET', URL_, {}, NO_ENV);
    expect(spec.pool).toEqual({ maxSize: 2, block: true });
    expect(spec.mountedPools?.[0]).toEqual(['http://a.example/', { maxSize: 2, block: true }]);
  });

  it('keeps the request\'s own values: a lower-cased sha256, checksum off, http2, a timeout pair', () => {
    const state = new SessionState({ trustEnv: false });
    const sha = 'AB'.repeat(32);
    const spec = buildSpec(state, 'GET', URL_, { expectedSha256: sha, checksum: false, http2: true, timeout: [1, null], allowRedirects: false }, NO_ENV);
    expect(spec).toMatchObject({ expectedSha256: sha.toLowerCase(), checksum: false, http2: true, timeout: [1, null], allowRedirects: false });
  });
});

describe('the parts of a spec that cross unchecked (specPartsToCheck)', () => {
  /** A JSON round trip changes nothing in them: strings, finite numbers, booleans, null, plain objects and arrays. */
  function unchecked(spec: RequestSpec): Record<string, unknown> {
    const checked = specPartsToCheck(spec) as readonly string[];
    return Object.fromEntries(Object.entries(spec).filter(([key]) => !checked.includes(key)));
  }

  it('are the ones buildSpec makes itself; a new field has to be placed on one side or the other', () => {
    const spec = buildSpec(new SessionState({ trustEnv: false }), 'GET', URL_, {}, NO_ENV);
    const own = ['allowRedirects', 'cert', 'checksum', 'environmentProxies', 'expectedSha256', 'headers', 'method', 'mountedPools',
      'netrcEnvironment', 'pool', 'resume', 'saveTo', 'saveWithin', 'stream', 'url'];
    // Without hooks, `hooks` is buildSpec's own { response: [] }; with some, the user's functions or fnRefs are checked.
    expect(Object.keys(unchecked(spec)).sort()).toEqual([...own, 'hooks'].sort());
    const hooked = buildSpec(new SessionState({ trustEnv: false }), 'GET', URL_, { hooks: { response: () => undefined } }, NO_ENV);
    expect(Object.keys(unchecked(hooked)).sort()).toEqual(own);
    expect(specPartsToCheck(hooked).every((key) => key in hooked)).toBe(true);
  });

  it('survive JSON as they are, whatever the options and the environment', () => {
    const state = new SessionState({ headers: { 'X-Session': 7 as never, constructor: 'c' }, cert: ['c.pem', 'k.pem'], adapterOptions: { poolMaxSize: 3 } });
    state.adapters.mount('http://a.example/', { poolMaxSize: 5, poolBlock: true });
    const headers = Object.defineProperty({ 'X-Request': 'r' }, '__proto__', { value: 'p', enumerable: true, writable: true, configurable: true });
    const env = { HTTP_PROXY: 'http://proxy:1', NO_PROXY: 'other.example', NETRC: '/nowhere/netrc', HOME: '/home/x' };
    const specs = [
      buildSpec(state, 'post', URL_, { headers, stream: true, allowRedirects: false, saveTo: 'out/file', saveWithin: 'out', resume: true, expectedSha256: 'AB'.repeat(32) }, env),
      buildSpec(state, 'GET', new URL(URL_).href, { cert: 'one.pem', checksum: false }, env),
      buildSpec(new SessionState(), 'GET', URL_, {}, NO_ENV),
    ];
    for (const spec of specs) {
      const parts = unchecked(spec);
      expect(JSON.parse(JSON.stringify(parts))).toStrictEqual(parts);
    }
    expect(specs[0]!.headers).toMatchObject({ 'X-Session': '7', 'X-Request': 'r' });
    expect(Object.getOwnPropertyDescriptor(specs[0]!.headers, '__proto__')?.value).toBe('p');
    expect(specs[0]!.environmentProxies).toEqual({ http: 'http://proxy:1', no: 'other.example' });
    expect(specs[0]!.pool).toEqual({ maxSize: 5, block: true });
    expect(specs[0]!.mountedPools).not.toBeNull();
  });
});

describe('a spec crossing to a child', () => {
  const fullOptions = {
    params: { q: '1' }, data: 'body', timeout: [1, 2] as [number, number], allowRedirects: false, maxRedirects: 3, verify: false, cert: 'c.pem',
    proxies: { http: 'http://proxy:1' }, hooks: { response: [] }, stream: true, http2: true, maxResponseBytes: 10, saveTo: 'out/f',
    resume: true, expectedSha256: 'ab'.repeat(32), checksum: false, saveWithin: 'out', retries: 2, auth: ['u', 'p'] as [string, string],
  };

  it('leaves out every field that holds its default, and the child gets back the very spec, field order included', () => {
    const state = new SessionState({ trustEnv: false, maxRedirects: 5 });
    const env = { HTTP_PROXY: 'http://proxy:1', HOME: '/home/x' };
    const specs = [
      buildSpec(new SessionState({ trustEnv: false }), 'GET', URL_, {}, NO_ENV),
      buildSpec(new SessionState(), 'GET', URL_, {}, env),
      buildSpec(state, 'POST', URL_, fullOptions, NO_ENV),
      buildSpec(state, 'GET', URL_, { json: 0, data: '' , hooks: { response: () => undefined } }, NO_ENV),
      buildSpec(state, 'GET', URL_, { json: false }, NO_ENV),
    ];
    for (const spec of specs) {
      const crossing = specForCrossing(spec);
      const back = specFromCrossing(JSON.parse(JSON.stringify({ ...crossing, hooks: undefined })) as CrossingSpec);
      back.hooks = spec.hooks;
      expect(back).toStrictEqual(spec);
      expect(Object.keys(back)).toEqual(Object.keys(spec));
    }
    // A session's default headers are left out too; the child makes them again.
    expect(Object.keys(specForCrossing(specs[0]!)).sort()).toEqual(['cookieJar', 'method', 'pool', 'url'].filter((key) => specs[0]![key as keyof RequestSpec] !== null).sort());
    // A set value that equals nothing's default crosses, whatever it is: 0, '' and false are not null.
    expect(specForCrossing(specs[3]!)).toMatchObject({ json: 0, data: '', maxRedirects: 5 });
    expect(specForCrossing(specs[4]!).json).toBe(false);
    expect(specForCrossing(specs[2]!)).toMatchObject({ allowRedirects: false, verify: false, stream: true, http2: true, resume: true, checksum: false });
  });

  it('sends headers that differ in any way from the defaults: a value, a name\'s case, one more or one fewer, the order', () => {
    const state = new SessionState({ trustEnv: false });
    const defaults = buildSpec(state, 'GET', URL_, {}, NO_ENV).headers;
    const variants = [
      { ...defaults, Accept: 'application/json' },
      { ...defaults, 'X-More': '1' },
      Object.fromEntries(Object.entries(defaults).slice(1)),
      Object.fromEntries(Object.entries(defaults).reverse()),
      Object.fromEntries(Object.entries(defaults).map(([name, value]) => [name.toLowerCase(), value])),
    ];
    for (const headers of variants) {
      const spec = { ...buildSpec(state, 'GET', URL_, {}, NO_ENV), headers };
      expect(specForCrossing(spec).headers).toBe(headers);
      expect(specFromCrossing(JSON.parse(JSON.stringify(specForCrossing(spec)))).headers).toStrictEqual(headers);
    }
    const plain = buildSpec(state, 'GET', URL_, { headers: { 'X-Request': 'r' } }, NO_ENV);
    expect(specForCrossing(plain).headers).toMatchObject({ 'X-Request': 'r' });
  });

  it('gives an in-process caller\'s whole spec back as it is', () => {
    const spec = buildSpec(new SessionState({ trustEnv: false }), 'POST', URL_, fullOptions, NO_ENV);
    expect(specFromCrossing(spec)).toStrictEqual(spec);
  });
});
