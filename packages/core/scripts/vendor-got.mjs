/**
 * Bundles got with its ESM dependencies into dist/vendor/got.js (run after
 * `tsc -b`; got-loader.ts imports it). Node resolves and reads one file per
 * module, and got is about 90 of them: a fresh process (each pool child,
 * each in-process session) spent 105-115 ms of CPU importing got, and 70-85 ms
 * importing this file (measured with process.cpuUsage around the import).
 * got stays a dependency at the same exact version; only how it is loaded changes.
 * http2-wrapper stays outside (CommonJS): http2-agents.ts builds its agents
 * from the same copy got's HTTP/2 requests use.
 */
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const core = fileURLToPath(new URL('..', import.meta.url));

await esbuild.build({
  stdin: { contents: "export { default } from 'got';", resolveDir: core, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['http2-wrapper'],
  outfile: `${core}dist/vendor/got.js`,
  logLevel: 'warning',
});
