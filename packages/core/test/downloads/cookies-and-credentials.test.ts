/**
 * Issue 12, finding 7: `response.cookies` lists only cookies the jar
 * accepted, and credentials in a redirect's Location never reach
 * `response.url`, the history, or the wire (requests does not send them either).
 */
import { describe, expect, it } from '@jest/globals';
import { useDownloadFixture } from './support/fixture.js';

const fixture = useDownloadFixture('rf-cookies-');
const { send } = fixture;

describe('response.cookies', () => {
  it('omits a cookie the jar refused (another domain), and does not hand it to the session', async () => {
    const url = fixture.server.on('/cookies', (_req, res) => {
      res.writeHead(200, { 'Set-Cookie': ['mine=1; Path=/', 'theirs=2; Domain=other.example; Path=/'] }).end('ok');
    });
    const r = await send(url);
    expect(r.cookies).toEqual({ mine: '1' });
    expect(r.setCookies.map((record) => record.header)).toEqual(['mine=1; Path=/']);
  });
});

describe('credentials in a redirect Location', () => {
  it('are dropped from the URL and not sent as Basic auth', async () => {
    let authorization: string | undefined = 'not asked';
    fixture.server.on('/landing', (req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(200).end('landed');
    });
    const port = new URL(fixture.server.url).port;
    const url = fixture.server.on('/to-creds', (_req, res) => res.writeHead(302, { Location: `http://u:p@127.0.0.1:${port}/landing` }).end());
    const r = await send(url);
    expect(r.text).toBe('landed');
    expect(r.url).toBe(`${fixture.server.url}/landing`);
    expect(r.request.url).toBe(`${fixture.server.url}/landing`);
    expect([...r.history.map((h) => h.url), r.url].join(' ')).not.toContain('u:p');
    expect(authorization).toBeUndefined();
  });
});
