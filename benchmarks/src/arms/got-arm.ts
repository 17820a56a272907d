/**
 * got driven directly, in this process: what a Node user would write
 * without us (keep-alive agent, 16 requests in flight). It is the baseline
 * every ratio is measured against.
 */
import { Agent } from 'node:http';
import got, { type Got } from 'got';
import type { Arm } from '../arm.js';
import { runWithConcurrency } from './concurrency.js';
import { measureInProcess } from './timing.js';
import { warmUpCount } from './warm-up.js';
import { GOT_IN_PROCESS } from '../baselines.js';

/** Not a baseline: listed beside it (gotEmptyCacheOptionsArm). */
export const GOT_EMPTY_CACHE_OPTIONS = 'got in-process, empty cacheOptions';

export interface HttpLoad {
  url: string;
  total: number;
  concurrency: number;
  /** Warm-up requests, if not the default (warm-up.ts). */
  warmUp?: number;
  /** Work done on each body in the coordinator (the cpu-hook scenario's reduce). */
  onBody?: (text: string) => unknown;
}

export function gotArm(load: HttpLoad, name = GOT_IN_PROCESS, emptyCacheOptions = false): Arm {
  let agent: Agent | undefined;
  let client: Got | undefined;
  return {
    name,
    detail: `${load.concurrency} in flight, keep-alive agent${emptyCacheOptions ? ', cacheOptions emptied' : ''}`,
    async open() {
      agent = new Agent({ keepAlive: true, maxSockets: load.concurrency });
      // got retries twice by default; a benchmark must not hide failures in retries.
      client = got.extend({ agent: { http: agent }, retry: { limit: 0 }, mutableDefaults: emptyCacheOptions });
      if (emptyCacheOptions) client.defaults.options.cacheOptions = {};
    },
    run: () => measure(load.total),
    warmUp: () => measure(warmUpCount(load.total, load.warmUp)),
    async close() {
      agent?.destroy();
    },
  };

  function measure(total: number) {
    const http = client!;
    return measureInProcess(async () => {
      let bytes = 0;
      await runWithConcurrency(total, load.concurrency, async () => {
        const text = await http.get(load.url).text();
        bytes += text.length;
        load.onBody?.(text);
      });
      return { requests: total, bytes };
    });
  }
}

/**
 * got in-process with the one change our engine makes to got (core's
 * http/got-instance.ts): an empty cacheOptions, which keeps got off a slow
 * object spread that costs each plain got request 65-88 µs on Node 20. Shows
 * how much of the process pool's lead over plain got that change is.
 */
export function gotEmptyCacheOptionsArm(load: HttpLoad): Arm {
  return gotArm(load, GOT_EMPTY_CACHE_OPTIONS, true);
}
