/**
 * Loaded first in each jest-light-runner child (jest.config.js `setupFiles`).
 * Tests, the built packages and Node itself then share one realm: what Node
 * makes (http headers, system errors, IPC replies) is an instance of the
 * same Object, Map and Error as what the tests and the packages make, as in
 * any program that uses the library. Jest's default runner evaluates each
 * test file in its own vm context, where that is false.
 *
 * Node loads test files itself here, so it needs a TypeScript loader (tsx,
 * already a dev dependency) and the import mapping jest would have applied.
 */
import { register } from 'node:module';
import { register as registerTypeScript } from 'tsx/esm/api';

registerTypeScript();
// Registered last, so it resolves first: the mapping, then tsx's .js -> .ts lookup.
register('./resolve-hooks.mjs', import.meta.url);

// The runner only disconnects its children when the run ends (jest's own runner kills a worker
// that does not exit): a server or timer a test file left open would keep this process alive,
// orphaned, holding the run's stdout. The run is over once jest lets go of the channel.
process.once('disconnect', () => process.exit());
