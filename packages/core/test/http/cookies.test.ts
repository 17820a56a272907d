import { describe, expect, it } from '@jest/globals';
import { CookieJar } from 'tough-cookie';
import { server, agents, useTestEngine, send } from './engine.js';

useTestEngine();


describe('cookies', () => {
  it('cookies set on hop 1 are sent on hop 2 and reported in setCookies', async () => {
    const r = await send('/cookies/set?flavour=oat&size=big');
    expect(r.url).toBe(`${server.url}/cookies`);
    expect(r.json().cookies).toEqual({ flavour: 'oat', size: 'big' });
    expect(r.setCookies).toEqual([
      { url: `${server.url}/cookies/set?flavour=oat&size=big`, header: 'flavour=oat; Path=/' },
      { url: `${server.url}/cookies/set?flavour=oat&size=big`, header: 'size=big; Path=/' },
    ]);
    expect(r.history[0]!.cookies).toEqual({ flavour: 'oat', size: 'big' });
    expect(r.cookies).toEqual({});
  });

  it('sends the cookies of the spec\'s jar snapshot for that host only', async () => {
    const jar = new CookieJar();
    await jar.setCookie('session=abc', `${server.url}/`);
    await jar.setCookie('elsewhere=1', 'http://example.test/');
    const r = await send('/cookies', { cookieJar: jar.serializeSync() });
    expect(r.json().cookies).toEqual({ session: 'abc' });
  });

  it('an explicit Cookie header wins over the jar', async () => {
    const jar = new CookieJar();
    await jar.setCookie('session=abc', `${server.url}/`);
    const r = await send('/cookies', { cookieJar: jar.serializeSync(), headers: { Cookie: 'mine=1' } });
    expect(r.json().cookies).toEqual({ mine: '1' });
  });

  it('a deleting Set-Cookie is reported but not counted in response.cookies', async () => {
    const r = await send('/cookies/delete?gone', { allowRedirects: false });
    expect(r.setCookies).toHaveLength(1);
    expect(r.cookies).toEqual({});
  });

  it('a malformed snapshot is a TypeError naming cookieJar', async () => {
    await expect(send('/cookies', { cookieJar: { cookies: 'nope' } })).rejects.toThrow(/cookieJar/);
  });
});
