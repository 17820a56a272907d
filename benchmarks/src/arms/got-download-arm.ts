/**
 * got streaming each body to a file, in this process, 16 at a time: the
 * Node baseline of the bulk scenario (what saveTo replaces).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import got, { type Got } from 'got';
import type { Arm } from '../arm.js';
import { GOT_IN_PROCESS } from '../baselines.js';
import { runWithConcurrency } from './concurrency.js';
import { measureInProcess } from './timing.js';
import { UnexpectedResponseError } from './unexpected-response.js';

export function gotDownloadArm(options: { urls: string[]; expectedBytes: number; concurrency: number; outDir: string }): Arm {
  let agent: Agent | undefined;
  let client: Got | undefined;
  return {
    name: GOT_IN_PROCESS,
    detail: `got.stream → file, ${options.concurrency} in flight`,
    async open() {
      agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
      client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
    },
    async run() {
      const http = client!;
      await rm(options.outDir, { recursive: true, force: true });
      await mkdir(options.outDir, { recursive: true });
      try {
        return await measureInProcess(async () => {
          let bytes = 0;
          await runWithConcurrency(options.urls.length, options.concurrency, async (index) => {
            const path = join(options.outDir, `${String(index).padStart(4, '0')}.bin`);
            await pipeline(http.stream(options.urls[index]!), createWriteStream(path));
            const { size } = await stat(path);
            bytes += size;
          });
          if (bytes !== options.expectedBytes) {
            throw new UnexpectedResponseError(GOT_IN_PROCESS, options.urls[0] ?? '', `${bytes} bytes, expected ${options.expectedBytes}`);
          }
          return { requests: options.urls.length, bytes };
        });
      } finally {
        await rm(options.outDir, { recursive: true, force: true });
      }
    },
    async close() {
      agent?.destroy();
    },
  };
}
