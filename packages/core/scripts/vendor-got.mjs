/**
 * Bundles got with its ESM dependencies into dist/vendor/got.js (run after
 * `tsc -b`; got-loader.ts imports it). Node resolves and reads one file per
 * module, and got is about 90 of them: a fresh process (each pool child,
 * each in-process session) spent 105-115 ms of CPU importing got, and 70-85 ms
 * importing this file (measured with process.cpuUsage around the import).
 * got stays a dependency at the same exact version; only how it is loaded changes.
 *
 * http2-wrapper stays outside, required when got first reads it: got imports
 * it at the top but only touches `globalAgent` and `auto` for a request with
 * `http2: true`, and loading it cost a fresh process 40-55 ms more. Required,
 * not bundled, so that got and http2-agents.ts share one copy (CommonJS).
 */
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { formDataName } from './form-data-name.mjs';
import { lazyListFormats } from './lazy-list-formats.mjs';

const core = fileURLToPath(new URL('..', import.meta.url));

/** What got gets for `import http2wrapper from 'http2-wrapper'`: the package, required on first use. */
const LAZY_HTTP2_WRAPPER = `
import { createRequire } from 'node:module';
let wrapper;
const load = () => (wrapper ??= createRequire(import.meta.url)('http2-wrapper'));
export default {
  get globalAgent() { return load().globalAgent; },
  get auto() { return load().auto; },
};
`;

const lazyHttp2Wrapper = {
  name: 'lazy-http2-wrapper',
  setup(build) {
    build.onResolve({ filter: /^http2-wrapper$/ }, (args) => (args.namespace === 'lazy' ? { path: 'http2-wrapper', external: true } : { path: 'http2-wrapper', namespace: 'lazy' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({ contents: LAZY_HTTP2_WRAPPER, loader: 'js', resolveDir: core }));
  },
};

await esbuild.build({
  stdin: { contents: "export { default } from 'got';", resolveDir: core, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [lazyHttp2Wrapper, lazyListFormats, formDataName],
  outfile: `${core}dist/vendor/got.js`,
  logLevel: 'warning',
});
