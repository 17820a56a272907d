/**
 * A header named `__proto__` is a legal HTTP token, and JSON.parse makes such
 * keys, so it is sent like any other header. got would drop it without a word:
 * it merges request headers into its defaults with Object.assign, where that
 * key calls the prototype setter instead of making a property. A beforeRequest
 * hook puts it back, as an own property, on the headers object got hands to
 * node:http (which sends every own key).
 */
import type { Hooks } from 'got';

type BeforeRequest = Hooks['beforeRequest'][number];

/** got's `hooks` option that keeps a `__proto__` header in `headers`; undefined when there is no such header. */
export function keepProtoHeader(headers: Readonly<Record<string, string | undefined>>): { beforeRequest: BeforeRequest[] } | undefined {
  const value = Object.hasOwn(headers, '__proto__') ? Object.getOwnPropertyDescriptor(headers, '__proto__')?.value : undefined;
  if (typeof value !== 'string') return undefined;
  const restore: BeforeRequest = (options) => {
    Object.defineProperty(options.headers, '__proto__', { value, enumerable: true, writable: true, configurable: true });
  };
  return { beforeRequest: [restore] };
}
