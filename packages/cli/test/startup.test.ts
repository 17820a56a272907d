/**
 * rf's start-up loads only what the command needs: printing help or a usage
 * error must not load the engine (core's index, got, tinypool, tough-cookie)
 * nor the progress bar or the histogram. Node's own ESM debug log lists every
 * module it loads (NODE_DEBUG=esm, "Storing <url>").
 */
import { describe, expect, it } from '@jest/globals';
import { runRfProcess } from './helpers.js';

async function modulesLoadedBy(args: string[]): Promise<{ code: number | null; stdout: string; modules: string[] }> {
  const { code, stdout, stderr } = await runRfProcess(args, { env: { ...process.env, NODE_DEBUG: 'esm' } });
  const modules = [...stderr.matchAll(/Storing (file:\S+)/g)].map((match) => match[1]!);
  return { code, stdout, modules };
}

const HEAVY = [/\/got@/, /\/tough-cookie@/, /\/tinypool@/, /\/cli-progress@/, /\/hdr-histogram-js@/, /\/core\/dist\/index\.js$/, /\/serializer\/dist\//];

describe('rf start-up: only what the command needs', () => {
  it.each([[['--help']], [['download', '--help']], [['bench', '--help']], [['download', 'list.txt']]])(
    'rf %j loads the CLI and commander, none of the engine',
    async (args) => {
      const run = await modulesLoadedBy(args);
      // The log must have been read at all, or the check below would pass on nothing.
      expect(run.modules.some((url) => url.endsWith('/cli/dist/program.js'))).toBe(true);
      expect(run.modules.some((url) => url.includes('/commander@'))).toBe(true);
      expect(run.modules.filter((url) => HEAVY.some((pattern) => pattern.test(url)))).toEqual([]);
      // 'download list.txt' without -o is a usage error (2); the help screens exit 0.
      expect(run.code).toBe(args.includes('--help') ? 0 : 2);
    },
  );
});
