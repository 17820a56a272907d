/**
 * An esbuild plugin for the builds that bundle got (vendor-got.mjs, the CLI's
 * bundle.mjs). got checks a request body against a list of predicates and
 * words a failed check after their function names: form-data-encoder's
 * `isFormData` reads "FormData". Bundled beside @sindresorhus/is's own
 * `isFormData`, esbuild renames one of the two (`isFormData2`), and the
 * message said "predicate returns truthy for any value" where the got package
 * says "FormData". Here the function gets its own name back. The build fails
 * if the definition changed, rather than bundling it unchanged.
 */
import { readFile } from 'node:fs/promises';

const DEFINITION = 'var isFormData = (value) =>';

export const formDataName = {
  name: 'form-data-name',
  setup(build) {
    build.onLoad({ filter: /[\\/]form-data-encoder[\\/]lib[\\/]index\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes(DEFINITION)) throw new Error(`form-data-name: ${path} no longer defines isFormData as expected; update core/scripts/form-data-name.mjs`);
      return { contents: `${source}\nObject.defineProperty(isFormData, 'name', { value: 'isFormData' });\n`, loader: 'js' };
    });
  },
};
