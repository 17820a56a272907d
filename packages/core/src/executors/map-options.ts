/**
 * Executor.map's options, checked before anything is submitted: an unknown
 * name or a value of the wrong type is a TypeError, a number out of range a
 * RangeError, each naming the option (the timeout is checked by mapLazily).
 */
import type { MapOptions } from './executor.js';
import { assertKnownOptions, type OptionNames } from './option-names.js';

const MAP_OPTION_NAMES: OptionNames<MapOptions> = { timeout: true, window: true, chunksize: true };

export interface ResolvedMapOptions {
  readonly timeout: number | null | undefined;
  readonly window: number;
  readonly chunksize: number;
}

export function resolveMapOptions(options: MapOptions | undefined, owner: string, defaultWindow: number): ResolvedMapOptions {
  if (options === undefined) return { timeout: undefined, window: defaultWindow, chunksize: 1 };
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${owner}.map: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  assertKnownOptions(options, MAP_OPTION_NAMES, `${owner}.map`);
  return {
    timeout: options.timeout,
    window: optionalCount(options.window, 'window', owner) ?? defaultWindow,
    chunksize: optionalCount(options.chunksize, 'chunksize', owner) ?? 1,
  };
}

function optionalCount(value: unknown, name: string, owner: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') {
    throw new TypeError(`${owner}.map: ${name} must be a number, got ${value === null ? 'null' : typeof value}`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${owner}.map: ${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}
