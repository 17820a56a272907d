/**
 * TypeScript support for fnRefs in child processes. A worker started without a
 * loader cannot import a .ts module; tsx lets users point fnRefs at their own
 * .ts, .mts and .cts files, as they would in the coordinator.
 *
 * Both of tsx's hooks are registered, before the first import of a TypeScript
 * URL: a `.ts` file outside a `"type": "module"` folder is CommonJS to Node, so
 * its ESM syntax needs tsx's require hook (with the ESM hook alone Node 20 fails
 * with `Cannot require() ES Module … in a cycle`). Registering first also keeps
 * one instance per module: a failed plain import would be cached by Node and the
 * retry would need another URL, so a module imported both ways (an fnRef target
 * and a hook's dependency) would exist twice.
 */

let registration: Promise<void> | undefined;

/** Registers tsx's ESM and CommonJS hooks once per process; later calls share the first one's outcome. */
export function registerTsxOnce(): Promise<void> {
  registration ??= (async () => {
    // Variable specifiers keep tsc from type-resolving optional runtime hooks.
    const cjsSpecifier = 'tsx/cjs/api';
    const esmSpecifier = 'tsx/esm/api';
    const cjs = (await import(cjsSpecifier)) as { register: () => unknown };
    const esm = (await import(esmSpecifier)) as { register: () => unknown };
    cjs.register();
    esm.register();
  })();
  return registration;
}

export function isTypeScriptUrl(moduleUrl: string): boolean {
  return /\.[mc]?ts$/.test(new URL(moduleUrl).pathname);
}
