/**
 * trustEnv's precedence, with the environment passed explicitly. The expected
 * values are what requests 2.x's Session.merge_environment_settings returns for
 * the same inputs (python3-requests on this machine), quirks included: an
 * environment proxy outranks the session's, and REQUESTS_CA_BUNDLE outranks a
 * session's verify=False unless the request turns verify off itself.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveProxies, shouldBypassProxies } from '../../dist/http/no-proxy.js';
import { environmentProxies } from '../../dist/session/environment.js';
import { buildSpec } from '../../dist/session/merge.js';
import { netrcAuth, parseNetrc } from '../../dist/http/netrc.js';
import { SessionState } from '../../dist/session/session-state.js';

const ENV = { HTTP_PROXY: 'http://envproxy:1', NO_PROXY: 'skip.example', REQUESTS_CA_BUNDLE: '/env/ca.pem' };
const SESSION_PROXY = 'http://sessproxy:2';

function session(trustEnv = true): SessionState {
  const state = new SessionState({ proxies: { http: SESSION_PROXY, https: SESSION_PROXY }, verify: false, trustEnv });
  return state;
}

describe('merge_environment_settings, as requests', () => {
  it('an environment proxy outranks the session proxy; the CA bundle outranks session verify=False', () => {
    const spec = buildSpec(session(), 'GET', 'http://a.example/x', {}, ENV);
    expect(spec.proxies).toEqual({ http: 'http://envproxy:1', https: SESSION_PROXY, no: 'skip.example' });
    expect(spec.verify).toBe('/env/ca.pem');
  });

  it('NO_PROXY keeps the environment proxy away, not the session one', () => {
    const spec = buildSpec(session(), 'GET', 'http://skip.example/x', {}, ENV);
    expect(spec.proxies).toEqual({ http: SESSION_PROXY, https: SESSION_PROXY });
  });

  it("the request's proxies and verify=false win over everything", () => {
    const spec = buildSpec(session(), 'GET', 'http://a.example/x', { proxies: { http: 'http://req:3' }, verify: false }, ENV);
    expect(spec.proxies).toEqual({ http: 'http://req:3', https: SESSION_PROXY, no: 'skip.example' });
    expect(spec.verify).toBe(false);
  });

  it("a no_proxy key in the request's proxies is the exemption list", () => {
    const spec = buildSpec(session(), 'GET', 'http://a.example/x', { proxies: { no_proxy: 'a.example' } }, ENV);
    expect(spec.proxies).toEqual({ http: SESSION_PROXY, https: SESSION_PROXY, no_proxy: 'a.example' });
    expect(spec.verify).toBe('/env/ca.pem');
  });

  it('trustEnv: false reads nothing from the environment', () => {
    const spec = buildSpec(session(false), 'GET', 'http://a.example/x', {}, { ...ENV, NETRC: '/dev/null' });
    expect(spec.proxies).toEqual({ http: SESSION_PROXY, https: SESSION_PROXY });
    expect(spec.verify).toBe(false);
    expect(spec.environmentProxies).toBeNull();
  });

  it('CURL_CA_BUNDLE stands in for REQUESTS_CA_BUNDLE; an empty one is unset', () => {
    const state = new SessionState();
    expect(buildSpec(state, 'GET', 'https://a.example/', {}, { CURL_CA_BUNDLE: '/curl.pem' }).verify).toBe('/curl.pem');
    expect(buildSpec(state, 'GET', 'https://a.example/', {}, { REQUESTS_CA_BUNDLE: '', CURL_CA_BUNDLE: '/curl.pem' }).verify).toBe('/curl.pem');
    expect(buildSpec(state, 'GET', 'https://a.example/', { verify: '/mine.pem' }, { CURL_CA_BUNDLE: '/curl.pem' }).verify).toBe('/mine.pem');
  });
});

describe('environment proxies (urllib getproxies_environment)', () => {
  it('reads both cases; lowercase wins, an empty lowercase one unsets; CGI ignores HTTP_PROXY', () => {
    expect(environmentProxies({ HTTPS_PROXY: 'http://u:1', all_proxy: 'http://a:2', NO_PROXY: 'x' })).toEqual({ https: 'http://u:1', all: 'http://a:2', no: 'x' });
    expect(environmentProxies({ http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:2' })).toEqual({ http: 'http://lower:1' });
    expect(environmentProxies({ http_proxy: '', HTTP_PROXY: 'http://upper:2' })).toEqual({});
    expect(environmentProxies({ HTTP_PROXY: 'http://upper:2', REQUEST_METHOD: 'GET' })).toEqual({});
    // The lowercase one still counts under CGI, as in urllib; REQUEST_METHOD alone sets nothing.
    expect(environmentProxies({ http_proxy: 'http://lower:1', REQUEST_METHOD: 'GET' })).toEqual({ http: 'http://lower:1' });
    expect(environmentProxies({ REQUEST_METHOD: 'GET' })).toEqual({});
    expect(environmentProxies({ https_proxy: '', HTTPS_PROXY: 'http://u:1', all_proxy: '', ALL_PROXY: 'http://a:2', no_proxy: '', NO_PROXY: 'x' })).toEqual({});
  });

  it('reads a variable only when it can still decide (each read of process.env is a getenv)', () => {
    const read: string[] = [];
    const recording = (values: Record<string, string>) =>
      new Proxy(values, { get: (target, name: string) => (read.push(name), target[name]) }) as Record<string, string | undefined>;
    expect(environmentProxies(recording({}))).toEqual({});
    expect(read).toEqual(['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY']);
    read.length = 0;
    expect(environmentProxies(recording({ http_proxy: 'http://l:1', https_proxy: 'http://l:2', all_proxy: '', no_proxy: 'x' }))).toEqual({ http: 'http://l:1', https: 'http://l:2', no: 'x' });
    expect(read).toEqual(['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy']);
    read.length = 0;
    expect(environmentProxies(recording({ HTTP_PROXY: 'http://u:1', REQUEST_METHOD: 'GET' }))).toEqual({});
    expect(read.slice(0, 3)).toEqual(['http_proxy', 'HTTP_PROXY', 'REQUEST_METHOD']);
  });

  it('should_bypass_proxies: addresses, CIDR networks, name suffixes, ports and *', () => {
    const bypass = (url: string, noProxy: string) => shouldBypassProxies(new URL(url), noProxy);
    expect(bypass('http://127.0.0.1:8080/', '127.0.0.1')).toBe(true);
    expect(bypass('http://10.1.2.3/', '10.0.0.0/8')).toBe(true);
    expect(bypass('http://11.1.2.3/', '10.0.0.0/8')).toBe(false);
    expect(bypass('http://api.example.com/', '.example.com')).toBe(true);
    expect(bypass('http://api.example.com/', 'example.com')).toBe(true);
    expect(bypass('http://example.org/', 'example.com')).toBe(false);
    expect(bypass('http://example.com:8080/', 'example.com:8080')).toBe(true);
    expect(bypass('http://example.com:9090/', 'example.com:8080')).toBe(false);
    expect(bypass('http://anything/', '*')).toBe(true);
    expect(bypass('http://a.example/', '')).toBe(false);
  });

  it("a redirect hop re-resolves: its scheme's environment proxy is added unless exempt", () => {
    const environment = { https: 'http://tls-proxy:1', no: 'inside.example' };
    expect(resolveProxies('https://outside.example/', { http: 'http://p:2' }, environment)).toEqual({ http: 'http://p:2', https: 'http://tls-proxy:1' });
    expect(resolveProxies('https://inside.example/', { http: 'http://p:2' }, environment)).toEqual({ http: 'http://p:2' });
    expect(resolveProxies('https://outside.example/', { https: 'http://mine:3' }, environment)).toEqual({ https: 'http://mine:3' });
    expect(resolveProxies('https://outside.example/', null, null)).toBeNull();
  });
});

describe('netrc (requests get_netrc_auth)', () => {
  it('parses machine and default entries, quoted words, comments and macdef bodies', () => {
    const machines = parseNetrc([
      '# comment', 'machine a.example login alice password "p w"', 'macdef init', 'cd /pub', 'machine not.a.machine', '',
      'machine b.example account acct password secret', 'default login anon password guest',
    ].join('\n'));
    expect(machines.get('a.example')).toEqual({ login: 'alice', account: '', password: 'p w' });
    expect(machines.has('not.a.machine')).toBe(false);
    expect(machines.get('b.example')).toEqual({ login: '', account: 'acct', password: 'secret' });
    expect(machines.get('default')).toEqual({ login: 'anon', account: '', password: 'guest' });
  });

  it('NETRC names the file, else ~/.netrc; the host picks the entry, then default; request and session auth win', () => {
    const home = mkdtempSync(join(tmpdir(), 'rf-netrc-'));
    try {
      writeFileSync(join(home, '.netrc'), 'machine a.example login alice password one\n');
      writeFileSync(join(home, 'other'), 'machine a.example login bob password two\ndefault login anon password guest\n');
      expect(netrcAuth('http://a.example:8080/x', { HOME: home })).toEqual(['alice', 'one']);
      expect(netrcAuth('http://b.example/', { HOME: home })).toBeNull();
      expect(netrcAuth('http://a.example/', { HOME: home, NETRC: join(home, 'other') })).toEqual(['bob', 'two']);
      expect(netrcAuth('http://b.example/', { HOME: home, NETRC: join(home, 'other') })).toEqual(['anon', 'guest']);
      expect(netrcAuth('http://a.example/', { HOME: home, NETRC: join(home, 'missing') })).toBeNull();
      writeFileSync(join(home, 'broken'), 'machine a.example login\n');
      expect(netrcAuth('http://a.example/', { HOME: home, NETRC: join(home, 'broken') })).toBeNull();

      const state = new SessionState();
      expect(buildSpec(state, 'GET', 'http://a.example/', {}, { HOME: home }).auth).toEqual(['alice', 'one']);
      expect(buildSpec(state, 'GET', 'http://a.example/', { auth: ['req', 'r'] }, { HOME: home }).auth).toEqual(['req', 'r']);
      state.auth = ['sess', 's'];
      expect(buildSpec(state, 'GET', 'http://a.example/', {}, { HOME: home }).auth).toEqual(['sess', 's']);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
