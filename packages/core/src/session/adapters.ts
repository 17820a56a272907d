/**
 * requests' Session.mount / get_adapter with adapter options instead of
 * adapter objects: each URL prefix gets its own connection pool settings
 * (poolMaxSize, poolBlock) and retries (maxRetries); the longest matching
 * prefix wins, compared without case. 'https://' and 'http://' are mounted
 * from the session's own adapterOptions and can be remounted.
 */
import type { PoolOptions, RetryOptions } from '../http/request-spec.js';
import { assertKnownOptions, type OptionNames } from '../executors/option-names.js';
import type { AdapterOptions } from './options.js';
import { validatePositiveInteger } from './validate.js';

export interface MountedAdapter {
  readonly prefix: string;
  readonly pool: PoolOptions;
  /** undefined: the mount says nothing, the session's `retries` apply. */
  readonly maxRetries: number | RetryOptions | null | undefined;
}

const ADAPTER_OPTION_NAMES: OptionNames<AdapterOptions> = { poolMaxSize: true, poolBlock: true, maxRetries: true };

export function validateAdapterOptions(options: AdapterOptions | undefined, where: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where} must be an object, got ${options === null ? 'null' : typeof options}`);
  assertKnownOptions(options, ADAPTER_OPTION_NAMES, where);
  validatePositiveInteger(options.poolMaxSize, `${where}.poolMaxSize`);
  if (options.poolBlock !== undefined && typeof options.poolBlock !== 'boolean') throw new TypeError(`${where}.poolBlock must be a boolean, got ${typeof options.poolBlock}`);
  const retries = options.maxRetries;
  if (retries !== undefined && retries !== null && !(typeof retries === 'number' && Number.isInteger(retries) && retries >= 0) && typeof retries !== 'object') {
    throw new TypeError(`${where}.maxRetries must be a count >= 0 or retry options, got ${typeof retries}`);
  }
}

export class AdapterMounts {
  /** Longest prefix first, as requests keeps session.adapters. */
  private mounts: MountedAdapter[] = [];

  constructor(private readonly defaults: PoolOptions, sessionAdapter: AdapterOptions | undefined) {
    for (const prefix of ['https://', 'http://']) this.mount(prefix, sessionAdapter ?? {});
  }

  /** Options not given take the session's default pool settings. */
  mount(prefix: string, options: AdapterOptions): void {
    if (typeof prefix !== 'string' || prefix === '') throw new TypeError(`mount: prefix must be a non-empty string such as 'https://api.example.com/', got ${typeof prefix === 'string' ? '""' : typeof prefix}`);
    validateAdapterOptions(options, 'mount: adapterOptions');
    const adapter: MountedAdapter = {
      prefix,
      pool: { maxSize: options.poolMaxSize ?? this.defaults.maxSize, block: options.poolBlock ?? this.defaults.block },
      maxRetries: options.maxRetries,
    };
    const others = this.mounts.filter((m) => m.prefix !== prefix);
    this.mounts = [...others, adapter].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** requests' get_adapter: the first (longest) prefix the URL starts with, without case; else the default for its scheme. */
  adapterFor(url: string): MountedAdapter {
    const lower = url.toLowerCase();
    for (const adapter of this.mounts) if (lower.startsWith(adapter.prefix.toLowerCase())) return adapter;
    return { prefix: '', pool: this.defaults, maxRetries: undefined };
  }

  /** Only mounts beyond the two defaults matter to a redirect hop on another prefix. */
  get customized(): boolean {
    return this.mounts.length !== 2 || this.mounts.some((m) => m.prefix !== 'https://' && m.prefix !== 'http://');
  }

  entries(): MountedAdapter[] {
    return [...this.mounts];
  }
}
