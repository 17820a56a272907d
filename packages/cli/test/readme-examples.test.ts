/**
 * Every example of the reference READMEs has a TypeScript twin; each runs here
 * against a local httpbin-like server and prints what the Python one printed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHttpbin, type Httpbin } from '@requests-futures/testing';
import { examples } from '../dist/demo/readme-examples.js';

describe('README examples (TypeScript twins)', () => {
  let server: Httpbin;
  beforeAll(async () => {
    server = await startHttpbin();
  });
  afterAll(async () => {
    await server.close();
  });

  const run = async (name: string): Promise<string[]> => {
    const lines: string[] = [];
    await examples[name](server.url, (line: string) => lines.push(line));
    return lines;
  };

  it('synchronous Session', async () => {
    const lines = await run('synchronous Session');
    expect(lines).toContain('response one status: 200');
    expect(lines).toContain('response two args: {"foo":"bar"}');
  });

  it('FuturesSession: two requests in the background', async () => {
    expect(await run('FuturesSession: two requests in the background')).toEqual([
      'response one status: 200',
      'response two status: 200',
      'response two args: {"foo":"bar"}',
    ]);
  });

  it('custom executor and maxWorkers', async () => {
    expect(await run('custom executor shared across sessions')).toEqual(['maxWorkers: 10', 'status: 200']);
    expect(await run('maxWorkers shortcut')).toEqual(['maxWorkers: 10', 'status: 200']);
  });

  it('reuse an existing Session', async () => {
    expect(await run('reuse an existing Session')).toEqual(['User-Agent seen by the server: MyApp/1.0']);
  });

  it('request URL from the response, and extra information on the future', async () => {
    const urls = await run('request URL from the response (asCompleted)');
    expect(urls).toHaveLength(3);
    expect(urls.map((l) => JSON.parse(l).url).sort()).toEqual([0, 1, 2].map((i) => `${server.url}/get?${i}`));
    const extra = await run('extra information attached to the future');
    expect(extra.slice(0, 3).map((l) => JSON.parse(l).i).sort()).toEqual([0, 1, 2]);
    expect(extra[3]).toBe('meta: {"i":42}');
  });

  it('cancels queued requests when leaving an `await using` block', async () => {
    const lines = await run('cancel queued requests with await using');
    expect(lines[0]).toBe('first status: 200');
    expect(lines[2]).toBe('second: completed, third: cancelled');
  });

  it('iterates over responses as they complete', async () => {
    const lines = await run('iterate over responses as they complete');
    expect(lines).toHaveLength(10);
  });

  it('background callback, request and session hooks, subclass', async () => {
    for (const name of ['background callback (0.9 README, deprecated)', 'response hook on the request', 'response hook on the session']) {
      expect(await run(name)).toEqual(['response status 200', `data.url: ${server.url}/get`]);
    }
    expect(await run('ElapsedFuturesSession subclass')).toEqual(['response status 200', 'response elapsed measured']);
  });

  it('ProcessPoolExecutor examples and the pickling error', async () => {
    expect(await run('ProcessPoolExecutor')).toEqual([
      'response status 200 (fetched in a child process)',
      `data.url set by a hook in the child: ${server.url}/get`,
    ]);
    expect(await run('ProcessPoolExecutor with an existing Session')).toEqual(['X-From seen by the server: session']);
    const [message, isPickling] = await run('a closure cannot be pickled');
    expect(message).toMatch(/^PicklingError: Cannot pickle function at hooks\.response\[0\]\. Refer to documentation: .*#using-processpoolexecutor$/);
    expect(isPickling).toBe('is PicklingError: true');
  });

  it('POST json and typed error handling', async () => {
    expect(await run('POST json and error handling (API notes)')).toEqual([
      'posted json echoed: {"name":"John"}',
      'Connection failed: ConnectionError',
    ]);
  });
});
