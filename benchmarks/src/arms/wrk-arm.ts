/**
 * wrk against the same URL: the server's own ceiling with a C client, so a
 * reader sees whether a figure is the client's limit or the server's.
 */
import type { Arm } from '../arm.js';
import { findTool } from '../tools.js';
import { runCommand } from '../proc/run-command.js';

export class WrkOutputError extends Error {
  constructor(output: string) {
    super(`could not read wrk's request count from: ${output.trim().slice(0, 300)}`);
    this.name = 'WrkOutputError';
  }
}

/** wrk prints `N requests in 3.00s, ...`; errors on a separate line. */
export function parseWrkOutput(output: string): { requests: number; seconds: number; errors: number } {
  const match = /(\d+) requests in ([\d.]+)(m?s)/.exec(output);
  if (!match) throw new WrkOutputError(output);
  const value = Number(match[2]);
  const seconds = match[3] === 'ms' ? value / 1000 : value;
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketTotal = socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { requests: Number(match[1]), seconds, errors: Number(errors?.[1] ?? 0) + socketTotal };
}

export function wrkArm(url: string, connections: number, durationSeconds = 3): Arm {
  const tool = findTool('wrk');
  return {
    name: 'wrk (server ceiling)',
    detail: `wrk -t1 -c${connections} -d${durationSeconds}s`,
    skip: tool.found ? undefined : tool.reason,
    // A C client has nothing to warm, and the other arms' warm-ups have warmed the server.
    warmUp: async () => undefined,
    async run() {
      if (!tool.found) throw new Error(tool.reason);
      const result = await runCommand(tool.path, ['-t1', `-c${connections}`, `-d${durationSeconds}s`, url], {
        timeoutSeconds: durationSeconds + 30,
      });
      const parsed = parseWrkOutput(result.stdout);
      if (parsed.errors > 0) throw new Error(`wrk saw ${parsed.errors} errors: ${result.stdout.trim()}`);
      return { requests: parsed.requests, seconds: parsed.seconds, peakRssMb: result.peakRssMb };
    },
  };
}
