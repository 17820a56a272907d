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

/**
 * Imports the module and returns the export, cached per module URL and export name.
 * Failures are not cached, so a module that appears later (or a fixed file) loads.
 */
export function loadFnRef<F = (...args: any[]) => unknown>(ref: FnRef): Promise<F> {
  if (!isFnRef(ref)) return Promise.reject(new TypeError(`loadFnRef: ref must be an FnRef (made by fnRef()), got ${ref === null ? 'null' : typeof ref}`));
  const key = `${ref.moduleUrl}\n${ref.exportName}`;
  let pending = loaded.get(key);
  if (pending === undefined) {
    pending = resolveExport(ref);
    loaded.set(key, pending);
    pending.catch(() => loaded.delete(key));
  }
  return pending as Promise<F>;
}

async function resolveExport(ref: FnRef): Promise<unknown> {
  const namespace = await importModule(ref);
  if (!Object.hasOwn(namespace, ref.exportName)) {
    throw new FnRefImportError(ref.moduleUrl, ref.exportName, `the module has no export named "${ref.exportName}"`);
  }
  const exported = namespace[ref.exportName];
  if (typeof exported !== 'function') {
    throw new FnRefImportError(ref.moduleUrl, ref.exportName, `the export is a ${exported === null ? 'null' : typeof exported}, not a function`);
  }
  return exported;
}

/** Modules whose plain import failed before tsx was registered: Node caches that failure per URL. */
const retriedWithTsx = new Set<string>();

async function importModule(ref: FnRef): Promise<Record<string, unknown>> {
  const url = retriedWithTsx.has(ref.moduleUrl) ? withTsxQuery(ref.moduleUrl) : ref.moduleUrl;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (url === ref.moduleUrl && isTypeScriptUrl(ref.moduleUrl) && errorCode(error) === 'ERR_UNKNOWN_FILE_EXTENSION') {
      return importWithTsx(ref, error);
    }
    throw new FnRefImportError(ref.moduleUrl, ref.exportName, `the module cannot be imported (${describeError(error)})`, { cause: error });
  }
}

async function importWithTsx(ref: FnRef, firstFailure: unknown): Promise<Record<string, unknown>> {
  try {
    await registerTsxOnce();
  } catch (error) {
    throw new FnRefImportError(ref.moduleUrl, ref.exportName, `it is TypeScript and tsx could not be registered (${describeError(error)})`, { cause: firstFailure });
  }
  retriedWithTsx.add(ref.moduleUrl);
  try {
    return (await import(withTsxQuery(ref.moduleUrl))) as Record<string, unknown>;
  } catch (error) {
    throw new FnRefImportError(ref.moduleUrl, ref.exportName, `the module cannot be imported even with tsx (${describeError(error)})`, { cause: error });
  }
}

/**
 * Node remembers the failed import of the bare URL, so the retry needs a different one.
 * The module is then a separate instance from any import of the bare URL in this process.
 */
function withTsxQuery(moduleUrl: string): string {
  const url = new URL(moduleUrl);
  url.searchParams.set('rf-tsx', '1');
  return url.href;
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
