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

export interface HttpLoad {
  url: string;
  total: number;
  concurrency: number;
  /** Work done on each body in the coordinator (the cpu-hook scenario's reduce). */
  onBody?: (text: string) => unknown;
}

export function gotArm(load: HttpLoad, name = GOT_IN_PROCESS): Arm {
  let agent: Agent | undefined;
  let client: Got | undefined;
  return {
    name,
    detail: `${load.concurrency} in flight, keep-alive agent`,
    async open() {
      agent = new Agent({ keepAlive: true, maxSockets: load.concurrency });
      // got retries twice by default; a benchmark must not hide failures in retries.
      client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
    },
    run: () => measure(load.total),
    warmUp: () => measure(warmUpCount(load.total)),
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
