/**
 * curl --parallel over the same URL list, writing files: the native
 * downloader's figure for the bulk scenario.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arm } from '../arm.js';
import { CURL_PARALLEL } from '../baselines.js';
import { findTool } from '../tools.js';
import { runCommand } from '../proc/run-command.js';
import { directoryBytes } from './directory-bytes.js';
import { UnexpectedResponseError } from './unexpected-response.js';

export function curlConfig(urls: string[], outDir: string): string {
  // A config file instead of argv: 64 URLs and outputs stay readable and within limits.
  return urls.map((url, index) => `url = "${url}"\noutput = "${join(outDir, `${String(index).padStart(4, '0')}.bin`)}"\n`).join('');
}

export function curlArm(options: { urls: string[]; expectedBytes: number; parallel: number; workDir: string }): Arm {
  const tool = findTool('curl');
  const configFile = join(options.workDir, 'curl-urls.conf');
  const outDir = join(options.workDir, 'curl-out');
  return {
    name: CURL_PARALLEL,
    detail: `--parallel-max ${options.parallel}, to files`,
    skip: tool.found ? undefined : tool.reason,
    async open() {
      await mkdir(options.workDir, { recursive: true });
      await writeFile(configFile, curlConfig(options.urls, outDir));
    },
    async run() {
      if (!tool.found) throw new Error(tool.reason);
      await rm(outDir, { recursive: true, force: true });
      await mkdir(outDir, { recursive: true });
      try {
        const result = await runCommand(
          tool.path,
          ['--parallel', '--parallel-max', String(options.parallel), '--silent', '--show-error', '--fail', '--config', configFile],
          { timeoutSeconds: 600 },
        );
        const bytes = await directoryBytes(outDir);
        if (bytes !== options.expectedBytes) {
          throw new UnexpectedResponseError('curl', options.urls[0] ?? '', `${bytes} bytes written, expected ${options.expectedBytes}`);
        }
        // curl's whole run, start-up included: it is a few milliseconds.
        return { requests: options.urls.length, bytes, seconds: result.wallSeconds, peakRssMb: result.peakRssMb };
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
    async close() {
      await rm(configFile, { force: true });
    },
  };
}
