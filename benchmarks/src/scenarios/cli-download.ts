/**
 * `rf download` as users run it (issue 13): a fresh rf process per run, timed
 * from spawn to exit, against curl --parallel and Python requests-futures
 * (threads, stream=True, iter_content(1 MiB) to files, sha256, the whole
 * interpreter timed too), on three sets served by nginx. rf runs its bundled
 * bin with its default engine and with each engine forced (--processes 0 =
 * in-process, --processes 2), and, when RF_BEFORE names another build's rf
 * entry (e.g. a main checkout's packages/cli/dist/rf.js), that build in-process
 * and with --processes 2. Peak RSS is each tool's own process (rf: the
 * coordinator; its pool children are not counted). Two Node floor arms
 * (node:http straight to files, with and without sha256: node-floor.mjs) show
 * what any engine on node:http is bounded by on this machine, and two got
 * floor arms (got.stream to a temporary file renamed into place:
 * got-floor.mjs) what any engine that keeps got as its client is.
 *
 * cli-memory: one rf run over a long list of small files (200,000; quick
 * 1,000) from nginx, for the coordinator's peak RSS: memory must follow -j
 * and the queue, not the list.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Arm } from '../arm.js';
import { curlArm } from '../arms/curl-arm.js';
import { pythonDownloadArm } from '../arms/python-arms.js';
import { gotFloorArm, nodeFloorArm } from '../arms/floor-arms.js';
import { rfDownloadArm } from '../arms/rf-cli-arm.js';
import type { Metric } from '../arm.js';
import type { FileSetSpec } from '../servers/files.js';
import { RF_BUNDLE } from '../rf-bundle.js';
import type { ScenarioContext, ScenarioDefinition } from './context.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The rf builds to run: this checkout's bundle, and RF_BEFORE if set. */
function rfBuilds(): { after: string; before: string | undefined; missing: string | undefined } {
  const before = process.env.RF_BEFORE || undefined;
  const missing = !existsSync(RF_BUNDLE)
    ? `${RF_BUNDLE} is not built (pnpm build)`
    : before !== undefined && !existsSync(before)
      ? `RF_BEFORE=${before} does not exist`
      : undefined;
  return { after: RF_BUNDLE, before, missing };
}

interface CliSet {
  id: string;
  /** The nginx file set (shared with the bulk scenarios where the sizes match) and how many of its files to fetch. */
  files: FileSetSpec;
  take: number;
  jobs: number;
  primary: Metric;
  fullOnly?: boolean;
}

/** A quick run leaves out the forced in-process arm: on fewer than 4 cores it is what the default picks. */
function rfArms(rf: ReturnType<typeof rfBuilds>, common: { urls: string[]; expectedBytes: number; jobs: number }, scratch: string, quick: boolean): Arm[] {
  const arm = (name: string, entry: string, flags: string[], dir: string, rerun = false) => rfDownloadArm({ ...common, name, rf: entry, flags, workDir: join(scratch, dir), rerun });
  const arms = [
    arm('rf download (default engine)', rf.after, [], 'rf-default'),
    // Issue 13's other target: the bytes alone against curl.
    arm('rf download --no-checksum', rf.after, ['--no-checksum'], 'rf-no-checksum'),
    // Users pass --resume on every run so that a rerun is cheap: its first run, and the rerun that keeps every file.
    arm('rf download --resume', rf.after, ['--resume'], 'rf-resume'),
    arm('rf download --resume, rerun (all kept)', rf.after, ['--resume'], 'rf-resume-kept', true),
    ...(quick ? [] : [arm('rf download --processes 0 (in-process)', rf.after, ['--processes', '0'], 'rf-in-process')]),
    arm('rf download --processes 2', rf.after, ['--processes', '2'], 'rf-p2'),
  ];
  if (rf.before !== undefined) {
    arms.push(arm('rf before: in-process', rf.before, [], 'rf-before'), arm('rf before: --processes 2', rf.before, ['--processes', '2'], 'rf-before-p2'));
  }
  return arms;
}

function cliScenario(set: (context: ScenarioContext) => CliSet, id: string, fullOnly = false): ScenarioDefinition {
  return {
    id,
    fullOnly,
    async build(context) {
      const rf = rfBuilds();
      if (rf.missing) return { skip: rf.missing };
      const spec = set(context);
      const served = await context.filesOverNginx(spec.files);
      if ('skip' in served) return served;
      const urls = served.urls.slice(0, spec.take);
      const expectedBytes = urls.length * spec.files.sizeBytes;
      const scratch = join(context.workDir, 'downloads', id);
      const common = { urls, expectedBytes, jobs: spec.jobs };
      const size = spec.files.sizeBytes >= MiB ? `${spec.files.sizeBytes / MiB} MiB` : `${spec.files.sizeBytes / KiB} KiB`;
      return {
        id,
        title: `rf download, whole process: ${urls.length.toLocaleString('en-US')} × ${size} from nginx, -j ${spec.jobs}`,
        description:
          'each run a fresh process timed from spawn to exit (start-up included); rf = bundle/rf.cjs, checksums on (sha256), --retries 0; ' +
          'Python hashes too; MB = 10^6 bytes; peak RSS: the tool’s own process (rf: the coordinator)',
        primary: spec.primary,
        repetitions: context.repetitions,
        arms: [
          curlArm({ urls, expectedBytes, parallel: spec.jobs, workDir: join(scratch, 'curl') }),
          pythonDownloadArm({ urls, expectedBytes, workers: spec.jobs, workDir: join(scratch, 'python'), sha256: true, wholeProcess: true }),
          ...rfArms(rf, common, scratch, context.quick),
          ...(context.quick
            ? []
            : [
                nodeFloorArm({ ...common, name: 'Node floor: node:http -> file', sha256: false, workDir: join(scratch, 'floor') }),
                nodeFloorArm({ ...common, name: 'Node floor + sha256', sha256: true, workDir: join(scratch, 'floor-sha') }),
                gotFloorArm({ ...common, name: 'got floor: got.stream -> temp -> rename', sha256: false, workDir: join(scratch, 'got-floor') }),
                gotFloorArm({ ...common, name: 'got floor + sha256', sha256: true, workDir: join(scratch, 'got-floor-sha') }),
              ]),
        ],
      };
    },
  };
}

export const cliDownload4m = cliScenario(
  (context) => ({
    id: 'cli-4m',
    files: context.quick ? { name: '4m-x16', count: 16, sizeBytes: 4 * MiB } : { name: '4m-x64', count: 64, sizeBytes: 4 * MiB },
    take: context.quick ? 16 : 64,
    jobs: 16,
    primary: 'mbPerSec',
  }),
  'cli-4m',
);

export const cliDownload256m = cliScenario(
  () => ({ id: 'cli-256m', files: { name: '256m-x4', count: 4, sizeBytes: 256 * MiB }, take: 4, jobs: 4, primary: 'mbPerSec' }),
  'cli-256m',
  true,
);

export const cliDownload4k = cliScenario(
  (context) => ({ id: 'cli-4k', files: { name: '4k-x5000', count: 5_000, sizeBytes: 4 * KiB }, take: context.quick ? 200 : 5_000, jobs: 16, primary: 'reqPerSec' }),
  'cli-4k',
);

export const cliMemory: ScenarioDefinition = {
  id: 'cli-memory',
  async build(context) {
    const rf = rfBuilds();
    if (rf.missing) return { skip: rf.missing };
    const served = await context.filesOverNginx({ name: 'tiny-x1', count: 1, sizeBytes: 64 });
    if ('skip' in served) return served;
    const count = context.quick ? 1_000 : 200_000;
    // One small file under many names: nginx ignores the query, rf saves each under its own name.
    const urls = Array.from({ length: count }, (_, index) => `${served.urls[0]}?n=${index}`);
    const common = { urls, expectedBytes: count * 64, jobs: 16, timeoutSeconds: 1_200 };
    const scratch = join(context.workDir, 'downloads', 'cli-memory');
    const arms = [rfDownloadArm({ ...common, name: 'rf download (default engine)', rf: rf.after, flags: [], workDir: join(scratch, 'rf') })];
    if (rf.before !== undefined) arms.push(rfDownloadArm({ ...common, name: 'rf before: in-process', rf: rf.before, flags: [], workDir: join(scratch, 'rf-before') }));
    return {
      id: 'cli-memory',
      title: `rf download's coordinator peak RSS for ${count.toLocaleString('en-US')} URLs of 64 bytes (target < 100 MiB)`,
      description: 'one fresh rf process per run, -j 16, checksums on; peak = the rf process’s VmHWM (pool children not counted)',
      primary: 'peakRssMb',
      // One run is minutes long in a full run; peaks vary by a few per cent.
      repetitions: 1,
      arms,
    };
  },
};
