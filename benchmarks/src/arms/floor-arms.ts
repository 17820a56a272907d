/**
 * The floor arms, run like the rf arms so the report shows how far `rf
 * download` is from what its parts reach here, and whether a target is above
 * them: node-floor.mjs (node:http -> file, nothing else) bounds any engine on
 * node:http; got-floor.mjs (got.stream -> temporary file -> rename) bounds
 * any engine that keeps got as its client, as rf does.
 */
import { fileURLToPath } from 'node:url';
import type { Arm } from '../arm.js';
import { wholeProcessArm } from './whole-process-arm.js';

const NODE_FLOOR = fileURLToPath(new URL('./node-floor.mjs', import.meta.url));
const GOT_FLOOR = fileURLToPath(new URL('./got-floor.mjs', import.meta.url));
/** rf's own one-file build of got (core/scripts/vendor-got.mjs): the floor loads what rf loads. */
export const RF_GOT = fileURLToPath(new URL('../../../packages/core/dist/vendor/got.js', import.meta.url));

interface FloorOptions {
  name: string;
  urls: string[];
  expectedBytes: number;
  jobs: number;
  sha256: boolean;
  workDir: string;
}

const hashing = (options: FloorOptions) => (options.sha256 ? ', sha256 on the same thread' : '');
const hashFlag = (options: FloorOptions) => (options.sha256 ? ['--sha256'] : []);

export function nodeFloorArm(options: FloorOptions): Arm {
  return wholeProcessArm({
    ...options,
    detail: `node:http -> fs.createWriteStream, ${options.jobs} at a time${hashing(options)}, whole process timed`,
    nodeArgs: (listFile, outDir) => [NODE_FLOOR, listFile, outDir, String(options.jobs), ...hashFlag(options)],
  });
}

export function gotFloorArm(options: FloorOptions & { got?: string }): Arm {
  return wholeProcessArm({
    ...options,
    detail: `got.stream -> temporary file -> rename, ${options.jobs} at a time${hashing(options)}, whole process timed`,
    nodeArgs: (listFile, outDir) => [GOT_FLOOR, options.got ?? RF_GOT, listFile, outDir, String(options.jobs), ...hashFlag(options)],
  });
}
