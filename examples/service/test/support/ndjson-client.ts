/**
 * POST /fetch from the test's side: the NDJSON lines as they arrive (a test
 * can wait for the first n), and whether the body ended properly, which is
 * what tells a complete answer from a dropped one.
 */
import { request } from 'node:http';

export interface NdjsonCall {
  /** The status code, once the headers arrived. */
  readonly status: Promise<number>;
  readonly lines: readonly Record<string, unknown>[];
  /** Resolves once at least `count` lines have arrived. */
  linesArrived(count: number): Promise<Record<string, unknown>[]>;
  /** Resolves when the response is over: `complete` is true only if it ended normally with a final newline. */
  readonly finished: Promise<{ complete: boolean; raw: string; lines: Record<string, unknown>[] }>;
}

export function postJson(url: string, body: unknown): NdjsonCall {
  const lines: Record<string, unknown>[] = [];
  const waiters: Array<{ count: number; resolve: (lines: Record<string, unknown>[]) => void }> = [];
  let resolveStatus!: (status: number) => void;
  let rejectStatus!: (error: unknown) => void;
  const status = new Promise<number>((resolve, reject) => {
    resolveStatus = resolve;
    rejectStatus = reject;
  });
  const finished = new Promise<{ complete: boolean; raw: string; lines: Record<string, unknown>[] }>((resolve) => {
    const payload = JSON.stringify(body);
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } });
    req.on('error', (error) => {
      rejectStatus(error);
      resolve({ complete: false, raw: '', lines });
    });
    req.on('response', (res) => {
      resolveStatus(res.statusCode ?? 0);
      let raw = '';
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) !== -1) {
          lines.push(JSON.parse(pending.slice(0, newline)) as Record<string, unknown>);
          pending = pending.slice(newline + 1);
        }
        for (const waiter of waiters.filter((w) => lines.length >= w.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve([...lines]);
        }
      });
      res.on('end', () => resolve({ complete: raw.endsWith('\n') && pending === '', raw, lines }));
      res.on('error', () => resolve({ complete: false, raw, lines }));
      res.on('aborted', () => resolve({ complete: false, raw, lines }));
    });
    req.end(payload);
  });
  status.catch(() => {});
  return {
    status,
    lines,
    linesArrived(count) {
      if (lines.length >= count) return Promise.resolve([...lines]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    finished,
  };
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
