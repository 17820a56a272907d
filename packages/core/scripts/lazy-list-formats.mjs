/**
 * An esbuild plugin for the builds that bundle got (vendor-got.mjs, the CLI's
 * bundle.mjs): @sindresorhus/is, which got imports, makes two Intl.ListFormat
 * objects when it loads, for the wording of a failed option check. Making one
 * loads ICU's list patterns: 6-11 ms of CPU in every process that loads got
 * (each pool child on its way to its first response), measured with --cpu-prof
 * (the module's top level, one line). Here they are made on the first message
 * that needs them; the messages are the same. The build fails if the lines
 * changed, rather than bundling them unchanged.
 */
import { readFile } from 'node:fs/promises';

const EAGER = [
  "const andFormatter = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });",
  "const orFormatter = new Intl.ListFormat('en', { style: 'long', type: 'disjunction' });",
];
const LAZY = `const andFormatter = lazyListFormat('conjunction');
const orFormatter = lazyListFormat('disjunction');
function lazyListFormat(type) {
  let format;
  return { format: (values) => (format ??= new Intl.ListFormat('en', { style: 'long', type })).format(values) };
}`;

export const lazyListFormats = {
  name: 'lazy-list-formats',
  setup(build) {
    build.onLoad({ filter: /[\\/]@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!EAGER.every((line) => source.includes(line))) throw new Error(`lazy-list-formats: ${path} no longer makes its Intl.ListFormat objects as expected; update core/scripts/lazy-list-formats.mjs`);
      return { contents: source.replace(`${EAGER[0]}\n${EAGER[1]}`, LAZY), loader: 'js' };
    });
  },
};
