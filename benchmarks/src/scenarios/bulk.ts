/**
 * Bulk downloads from nginx to disk: saveTo in a 2-child process pool
 * against got, curl --parallel and Python requests-futures streaming to
 * files. MB/s is printed as a ratio to curl (paired per repetition), and each
 * arm's peak RSS is that of its own process: the Node arms run in a fresh
 * bare-`node` process each (child-download-arm.ts), so the figure is the
 * coordinator's, not the harness's; saveTo must not hold bodies in memory.
 */
import { join } from 'node:path';
import { childDownloadArm } from '../arms/child-download-arm.js';
import { curlArm } from '../arms/curl-arm.js';
import { pythonDownloadArm } from '../arms/python-arms.js';
import type { FileSetSpec } from '../servers/files.js';
import type { ScenarioContext, ScenarioDefinition } from './context.js';

const IN_FLIGHT = 16;
const MiB = 1024 * 1024;

function bulkScenario(id: string, spec: (context: ScenarioContext) => FileSetSpec, fullOnly = false): ScenarioDefinition {
  return {
    id,
    fullOnly,
    async build(context) {
      const set = spec(context);
      const served = await context.filesOverNginx(set);
      if ('skip' in served) return served;
      const expectedBytes = set.count * set.sizeBytes;
      const scratch = join(context.workDir, 'downloads', id);
      const fileCount = Math.min(IN_FLIGHT, set.count);
      const common = { urls: served.urls, expectedBytes, inFlight: IN_FLIGHT };
      return {
        id,
        title: `${set.count} × ${set.sizeBytes / MiB} MiB from nginx to disk`,
        description:
          `files written to a temp dir and removed after each run; up to ${fileCount} in flight; MB = 10^6 bytes; ` +
          'peak RSS: each arm’s own process (Node arms: a fresh bare-node process per run; a pool’s children not counted)',
        primary: 'mbPerSec',
        repetitions: context.repetitions,
        arms: [
          childDownloadArm({ ...common, engine: 'got', outDir: join(scratch, 'got') }),
          childDownloadArm({ ...common, engine: 'futures', workers: 2, outDir: join(scratch, 'futures') }),
          curlArm({ urls: served.urls, expectedBytes, parallel: IN_FLIGHT, workDir: join(scratch, 'curl') }),
          pythonDownloadArm({ urls: served.urls, expectedBytes, workers: IN_FLIGHT, workDir: join(scratch, 'python') }),
        ],
      };
    },
  };
}

export const bulk = bulkScenario('bulk', (context) =>
  context.quick ? { name: '4m-x16', count: 16, sizeBytes: 4 * MiB } : { name: '4m-x64', count: 64, sizeBytes: 4 * MiB },
);

export const bulk1g = bulkScenario('bulk-1g', () => ({ name: '256m-x4', count: 4, sizeBytes: 256 * MiB }), true);
