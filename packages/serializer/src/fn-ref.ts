/**
 * Functions cross the process boundary by reference, as Python pickles a
 * module-level function by its qualified name: the worker imports the module and
 * takes the export.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerClass, registerErrorClass } from './registry.js';
import { isTypeScriptUrl, registerTsxOnce } from './tsx-loader.js';

const IMPORTABLE_SCHEMES = new Set(['file:', 'data:', 'node:']);

export class FnRef {
  readonly moduleUrl: string;
  readonly exportName: string;

  constructor(moduleUrl: string | URL, exportName: string) {
    this.moduleUrl = normalizeModuleUrl(moduleUrl);
    if (typeof exportName !== 'string' || exportName === '') {
      throw new TypeError(`fnRef: exportName must be a non-empty string, got ${typeof exportName === 'string' ? '""' : typeof exportName}`);
    }
    this.exportName = exportName;
  }

  toString(): string {
    return `${this.moduleUrl}#${this.exportName}`;
  }
}

registerClass(FnRef, 'rf.FnRef');

function normalizeModuleUrl(moduleUrl: unknown): string {
  if (moduleUrl instanceof URL) moduleUrl = moduleUrl.href;
  if (typeof moduleUrl !== 'string') {
    throw new TypeError(`fnRef: moduleUrl must be a file:// URL string, a URL or an absolute path, got ${moduleUrl === null ? 'null' : typeof moduleUrl}`);
  }
  // A relative path or a bare specifier would resolve against the worker, not the caller.
  if (isAbsolute(moduleUrl)) return pathToFileURL(moduleUrl).href;
  let url: URL;
  try {
    url = new URL(moduleUrl);
  } catch {
    throw new TypeError(`fnRef: moduleUrl must be an import.meta.url-style file:// URL or an absolute path, got ${JSON.stringify(moduleUrl)}`);
  }
  if (!IMPORTABLE_SCHEMES.has(url.protocol)) {
    throw new TypeError(`fnRef: moduleUrl must use file:, data: or node:, got ${JSON.stringify(moduleUrl)}`);
  }
  return url.href;
}

export function fnRef(moduleUrl: string | URL, exportName: string): FnRef {
  return new FnRef(moduleUrl, exportName);
}

export function isFnRef(value: unknown): value is FnRef {
  return value instanceof FnRef;
}

export class FnRefImportError extends Error {
  override readonly name = 'FnRefImportError';
  readonly code = 'ERR_FN_REF_IMPORT';
  readonly moduleUrl: string;
  readonly exportName: string;

  constructor(moduleUrl: string, exportName: string, problem: string, options?: ErrorOptions) {
    super(`Cannot load fnRef ${moduleUrl}#${exportName}: ${problem}`, options);
    this.moduleUrl = moduleUrl;
    this.exportName = exportName;
  }
}

registerErrorClass(FnRefImportError, 'rf.FnRefImportError');

const loaded = new Map<string, Promise<unknown>>();
/** The functions `loaded` resolved to, for loadedFnRef. */
const resolved = new Map<string, unknown>();

const keyOf = (ref: FnRef): string => `${ref.moduleUrl}\n${ref.exportName}`;

/**
 * Imports the module and returns the export, cached per module URL and export name.
 * Failures are not cached, so a module that appears later (or a fixed file) loads.
 */
export function loadFnRef<F = (...args: any[]) => unknown>(ref: FnRef): Promise<F> {
  if (!isFnRef(ref)) return Promise.reject(new TypeError(`loadFnRef: ref must be an FnRef (made by fnRef()), got ${ref === null ? 'null' : typeof ref}`));
  const key = keyOf(ref);
  let pending = loaded.get(key);
  if (pending === undefined) {
    pending = resolveExport(ref);
    loaded.set(key, pending);
    pending.then(
      (fn) => resolved.set(key, fn),
      () => loaded.delete(key),
    );
  }
  return pending as Promise<F>;
}

/**
 * The function loadFnRef already resolved `ref` to, or undefined: a caller on a
 * hot path (a pool child's tasks) calls it in the same turn, without an await
 * of its own (a fresh child runs every async frame cold, thousands of times
 * before V8 optimises it).
 */
export function loadedFnRef<F = (...args: any[]) => unknown>(ref: FnRef): F | undefined {
  return resolved.get(keyOf(ref)) as F | undefined;
}

/**
 * The export `ref` names, whatever it is (loadFnRef insists on a function). A
 * CommonJS module's exports that Node could not detect statically (tsx's output
 * for a `.ts` file outside a `"type": "module"` folder) are read from `default`.
 */
export async function loadModuleExport(ref: FnRef): Promise<unknown> {
  const namespace = await importModule(ref);
  if (Object.hasOwn(namespace, ref.exportName)) return namespace[ref.exportName];
  const commonJs = namespace.default;
  if (typeof commonJs === 'object' && commonJs !== null && Object.hasOwn(commonJs, ref.exportName)) {
    return (commonJs as Record<string, unknown>)[ref.exportName];
  }
  throw new FnRefImportError(ref.moduleUrl, ref.exportName, `the module has no export named "${ref.exportName}"`);
}

async function resolveExport(ref: FnRef): Promise<unknown> {
  const exported = await loadModuleExport(ref);
  if (typeof exported !== 'function') {
    throw new FnRefImportError(ref.moduleUrl, ref.exportName, `the export is a ${exported === null ? 'null' : typeof exported}, not a function`);
  }
  return exported;
}

async function importModule(ref: FnRef): Promise<Record<string, unknown>> {
  // Where tsx cannot hook in (a host that refuses module.register, such as a vm-based test runner), the host may load TypeScript itself.
  const tsxRefused = isTypeScriptUrl(ref.moduleUrl) ? await registerTsxOnce().then(() => undefined, (error: unknown) => error) : undefined;
  try {
    return (await import(ref.moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    const problem = tsxRefused === undefined
      ? `the module cannot be imported (${describeError(error)})`
      : `it is TypeScript, tsx could not be registered (${describeError(tsxRefused)}) and a plain import failed (${describeError(error)}); install tsx or point the fnRef at compiled JavaScript`;
    throw new FnRefImportError(ref.moduleUrl, ref.exportName, problem, { cause: error });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
