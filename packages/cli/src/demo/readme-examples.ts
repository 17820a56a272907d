/**
 * The TypeScript twin of every example in the reference READMEs
 * (requests-futures 0.9 and 1.0, and the API notes), run against a local
 * httpbin-like server instead of httpbin.org. Each example returns what it
 * printed, so tests can assert on it and `pnpm demo` can show it.
 */
import {
  asCompleted,
  FuturesSession,
  fnRef,
  PicklingError,
  ProcessPoolExecutor,
  RequestException,
  type RequestOptions,
  type Response,
  Session,
  ThreadPoolExecutor,
  type Future,
  ConnectionError,
} from '@requests-futures/core';

export interface ExampleResult {
  name: string;
  lines: string[];
}

type Example = (base: string, log: (line: string) => void) => Promise<void>;

const pprint = (value: unknown) => JSON.stringify(value);

export const examples: Record<string, Example> = {
  async 'synchronous Session'(base, log) {
    const session = new Session();
    // first requests starts and blocks until finished
    const responseOne = await session.get(`${base}/get`);
    // second request starts once first is finished
    const responseTwo = await session.get(`${base}/get?foo=bar`);
    log(`response one status: ${responseOne.statusCode}`);
    log(`response one content bytes: ${responseOne.content.length}`);
    log(`response two status: ${responseTwo.statusCode}`);
    log(`response two args: ${pprint(responseTwo.json().args)}`);
    await session.close();
  },

  async 'FuturesSession: two requests in the background'(base, log) {
    const session = new FuturesSession();
    // first request is started in background
    const futureOne = session.get(`${base}/get`);
    // second requests is started immediately
    const futureTwo = session.get(`${base}/get?foo=bar`);
    // wait for the first request to complete, if it hasn't already
    const responseOne = await futureOne.result();
    log(`response one status: ${responseOne.statusCode}`);
    // wait for the second request to complete, if it hasn't already
    const responseTwo = await futureTwo.result();
    log(`response two status: ${responseTwo.statusCode}`);
    log(`response two args: ${pprint(responseTwo.json().args)}`);
    await session.close();
  },

  async 'custom executor shared across sessions'(base, log) {
    const executor = new ThreadPoolExecutor({ maxWorkers: 10 });
    const session = new FuturesSession({ executor });
    log(`maxWorkers: ${session.executor.maxWorkers}`);
    log(`status: ${(await session.get(`${base}/get`).result()).statusCode}`);
    await session.close();
    await executor.shutdown();
  },

  async 'maxWorkers shortcut'(base, log) {
    const session = new FuturesSession({ maxWorkers: 10 });
    log(`maxWorkers: ${session.executor.maxWorkers}`);
    log(`status: ${(await session.get(`${base}/get`)).statusCode}`);
    await session.close();
  },

  async 'reuse an existing Session'(base, log) {
    const mySession = new Session();
    mySession.headers.set('User-Agent', 'MyApp/1.0');
    const futureSession = new FuturesSession({ session: mySession });
    const response = await futureSession.get(`${base}/headers`).result();
    log(`User-Agent seen by the server: ${response.json().headers['User-Agent']}`);
    await futureSession.close();
    await mySession.close();
  },

  async 'request URL from the response (asCompleted)'(base, log) {
    const session = new FuturesSession();
    const futures = [0, 1, 2].map((i) => session.get(`${base}/get?${i}`));
    for await (const future of asCompleted(futures)) {
      const resp = await future.result();
      log(pprint({ url: resp.request.url, content: resp.json().args }));
    }
    await session.close();
  },

  async 'extra information attached to the future'(base, log) {
    const session = new FuturesSession();
    const futures: Array<Future<Response> & { i?: number }> = [];
    for (let i = 0; i < 3; i++) {
      const future: Future<Response> & { i?: number } = session.get(`${base}/get`);
      future.i = i;
      futures.push(future);
    }
    for await (const future of asCompleted(futures)) {
      const resp = await future.result();
      log(pprint({ i: (future as { i?: number }).i, status: resp.statusCode }));
    }
    // The typed alternative: the `meta` option.
    const withMeta = session.get(`${base}/get`, { meta: { i: 42 } });
    await withMeta;
    log(`meta: ${pprint(withMeta.meta)}`);
    await session.close();
  },

  async 'cancel queued requests with await using'(base, log) {
    const started = Date.now();
    let future2: Future<Response> | undefined;
    let future3: Future<Response> | undefined;
    {
      await using session = new FuturesSession({ maxWorkers: 1 });
      const future = session.get(`${base}/get`);
      future2 = session.get(`${base}/delay/1`);
      future3 = session.get(`${base}/delay/1`);
      const response = await future.result();
      log(`first status: ${response.statusCode}`);
    }
    log(`left the block after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    log(`second: ${future2.cancelled() ? 'cancelled' : 'completed'}, third: ${future3.cancelled() ? 'cancelled' : 'completed'}`);
  },

  async 'iterate over responses as they complete'(base, log) {
    const session = new FuturesSession();
    try {
      const futures = Array.from({ length: 10 }, (_, i) => session.get(`${base}/delay/${(i % 3) / 10}`));
      for await (const future of asCompleted(futures)) {
        const resp = await future.result();
        log(resp.json().url);
      }
    } finally {
      await session.close();
    }
  },

  async 'background callback (0.9 README, deprecated)'(base, log) {
    const session = new FuturesSession();
    const bgCb = (_sess: unknown, resp: Response & { data?: unknown }) => {
      // parse the json storing the result on the response object
      resp.data = resp.json();
    };
    const future = session.get(`${base}/get`, { backgroundCallback: bgCb });
    const response = (await future.result()) as Response & { data?: { url: string } };
    log(`response status ${response.statusCode}`);
    log(`data.url: ${response.data?.url}`);
    await session.close();
  },

  async 'response hook on the request'(base, log) {
    const session = new FuturesSession();
    const responseHook = (resp: Response & { data?: unknown }) => {
      resp.data = resp.json();
    };
    const future = session.get(`${base}/get`, { hooks: { response: responseHook } });
    const response = (await future.result()) as Response & { data?: { url: string } };
    log(`response status ${response.statusCode}`);
    log(`data.url: ${response.data?.url}`);
    await session.close();
  },

  async 'response hook on the session'(base, log) {
    const session = new FuturesSession();
    session.hooks.response = (resp: Response & { data?: unknown }) => {
      resp.data = resp.json();
    };
    const response = (await session.get(`${base}/get`).result()) as Response & { data?: { url: string } };
    log(`response status ${response.statusCode}`);
    log(`data.url: ${response.data?.url}`);
    await session.close();
  },

  async 'ElapsedFuturesSession subclass'(base, log) {
    class ElapsedFuturesSession extends FuturesSession {
      override request(method: string, url: string, options: RequestOptions = {}) {
        const start = performance.now();
        const timing = (r: Response & { elapsedByHook?: number }) => {
          r.elapsedByHook = performance.now() - start;
        };
        const given = options.hooks?.response;
        // needs to be first so we don't time other hooks execution
        const response = given === undefined ? timing : [timing, ...(Array.isArray(given) ? given : [given])];
        return super.request(method, url, { ...options, hooks: { ...options.hooks, response } });
      }
    }
    const session = new ElapsedFuturesSession();
    const response = (await session.get(`${base}/get`).result()) as Response & { elapsedByHook?: number };
    log(`response status ${response.statusCode}`);
    log(`response elapsed ${response.elapsedByHook !== undefined && response.elapsedByHook >= 0 ? 'measured' : 'missing'}`);
    await session.close();
  },

  async 'ProcessPoolExecutor'(base, log) {
    const session = new FuturesSession({ executor: new ProcessPoolExecutor({ maxWorkers: 2 }) });
    const response = (await session
      .get(`${base}/get`, { hooks: { response: fnRef(new URL('./readme-hooks.js', import.meta.url), 'responseHook') } })
      .result()) as Response & { data?: { url: string } };
    log(`response status ${response.statusCode} (fetched in a child process)`);
    log(`data.url set by a hook in the child: ${response.data?.url}`);
    await session.close();
    await session.executor.shutdown();
  },

  async 'ProcessPoolExecutor with an existing Session'(base, log) {
    const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    const plain = new Session({ headers: { 'X-From': 'session' } });
    const session = new FuturesSession({ executor, session: plain });
    const response = await session.get(`${base}/headers`).result();
    log(`X-From seen by the server: ${response.json().headers['X-From']}`);
    await session.close();
    await executor.shutdown();
    await plain.close();
  },

  async 'a closure cannot be pickled'(base, log) {
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const session = new FuturesSession({ executor });
    try {
      session.get(`${base}/get`, { hooks: { response: [(r: Response) => r] } });
      log('no error?!');
    } catch (error) {
      log(`${(error as Error).name}: ${(error as Error).message}`);
      log(`is PicklingError: ${error instanceof PicklingError}`);
    } finally {
      await session.close();
      await executor.shutdown();
    }
  },

  async 'POST json and error handling (API notes)'(base, log) {
    const session = new FuturesSession();
    const created = await session.post(`${base}/post`, { json: { name: 'John' } }).result();
    log(`posted json echoed: ${pprint(created.json().json)}`);
    const closedPort = new URL(base);
    closedPort.port = '1';
    try {
      await session.get(closedPort.href, { timeout: 5 }).result();
    } catch (error) {
      if (error instanceof ConnectionError) log(`Connection failed: ${error.name}`);
      else if (error instanceof RequestException) log(`Request failed: ${error.name}`);
      else throw error;
    }
    await session.close();
  },
};

export async function runReadmeExamples(baseUrl: string, print: (line: string) => void = console.log): Promise<ExampleResult[]> {
  const results: ExampleResult[] = [];
  for (const [name, example] of Object.entries(examples)) {
    const lines: string[] = [];
    print(`\n## ${name}`);
    await example(baseUrl, (line) => {
      lines.push(line);
      print(`   ${line}`);
    });
    results.push({ name, lines });
  }
  return results;
}
