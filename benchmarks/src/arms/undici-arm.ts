/**
 * undici's Pool, in this process: the fastest plain Node client, to show
 * how much of the cost is got's.
 */
import { Pool } from 'undici';
import type { Arm } from '../arm.js';
import type { HttpLoad } from './got-arm.js';
import { runWithConcurrency } from './concurrency.js';
import { measureInProcess } from './timing.js';
import { warmUpCount } from './warm-up.js';
import { UnexpectedResponseError } from './unexpected-response.js';

export function undiciArm(load: HttpLoad, name = 'undici in-process'): Arm {
  const url = new URL(load.url);
  let pool: Pool | undefined;
  return {
    name,
    detail: `Pool, ${load.concurrency} connections`,
    async open() {
      pool = new Pool(url.origin, { connections: load.concurrency });
    },
    run: () => measure(load.total),
    warmUp: () => measure(warmUpCount(load.total, load.warmUp)),
    async close() {
      await pool?.close();
    },
  };

  function measure(total: number) {
    const client = pool!;
    const path = url.pathname + url.search;
    return measureInProcess(async () => {
      let bytes = 0;
      await runWithConcurrency(total, load.concurrency, async () => {
        const { statusCode, body } = await client.request({ path, method: 'GET' });
        const text = await body.text();
        if (statusCode !== 200) throw new UnexpectedResponseError(name, load.url, `status ${statusCode}`);
        bytes += text.length;
        load.onBody?.(text);
      });
      return { requests: total, bytes };
    });
  }
}
