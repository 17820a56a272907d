/**
 * TypeScript support for fnRefs in child processes. A worker started without a
 * loader cannot import a .ts module; registering tsx on the first such failure lets
 * users point fnRefs at their own .ts files, as they would in the coordinator.
 */

let registration: Promise<void> | undefined;

/** Registers tsx's ESM hooks once per process; later calls share the first one's outcome. */
export function registerTsxOnce(): Promise<void> {
  registration ??= (async () => {
    // A variable specifier keeps tsc from type-resolving an optional runtime hook.
    const specifier = 'tsx/esm/api';
    const api = (await import(specifier)) as { register: () => unknown };
    api.register();
  })();
  return registration;
}

export function isTypeScriptUrl(moduleUrl: string): boolean {
  return /\.[mc]?ts$/.test(new URL(moduleUrl).pathname);
}
