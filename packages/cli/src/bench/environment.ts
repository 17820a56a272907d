/** Where a bench ran, for --json: results from different machines or builds are not comparable, so they say so. */
import os from 'node:os';
import { version } from '@requests-futures/core/version';

export interface BenchEnvironment {
  /** rf's arguments as given (without "node rf.js"). */
  command: string[];
  versions: { rf: string; node: string; v8: string };
  machine: { cores: number; cpu: string; platform: string; arch: string; totalMemoryBytes: number; hostname: string };
}

export function describeEnvironment(command: string[]): BenchEnvironment {
  const cpus = os.cpus();
  return {
    command,
    versions: { rf: version, node: process.versions.node, v8: process.versions.v8 },
    machine: {
      cores: os.availableParallelism?.() ?? cpus.length,
      cpu: cpus[0]?.model ?? 'unknown',
      platform: process.platform,
      arch: process.arch,
      totalMemoryBytes: os.totalmem(),
      hostname: os.hostname(),
    },
  };
}
