/**
 * The Node floor arm: node-floor.mjs (node:http -> file, nothing else) run
 * like the rf arms, so the report shows how far `rf download` is from what
 * node:http itself reaches here, and whether a target is above that floor.
 */
import { fileURLToPath } from 'node:url';
import type { Arm } from '../arm.js';
import { wholeProcessArm } from './whole-process-arm.js';

const FLOOR_SCRIPT = fileURLToPath(new URL('./node-floor.mjs', import.meta.url));

export function nodeFloorArm(options: { name: string; urls: string[]; expectedBytes: number; jobs: number; sha256: boolean; workDir: string }): Arm {
  return wholeProcessArm({
    ...options,
    detail: `node:http -> fs.createWriteStream, ${options.jobs} at a time${options.sha256 ? ', sha256 on the same thread' : ''}, whole process timed`,
    nodeArgs: (listFile, outDir) => [FLOOR_SCRIPT, listFile, outDir, String(options.jobs), ...(options.sha256 ? ['--sha256'] : [])],
  });
}
