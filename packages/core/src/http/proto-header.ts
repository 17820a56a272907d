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

/** got options that keep a `__proto__` header in `headers`; none when there is no such header. */
export function keepProtoHeader(headers: Readonly<Record<string, string | undefined>>): { hooks?: { beforeRequest: BeforeRequest[] } } {
  const value = Object.hasOwn(headers, '__proto__') ? Object.getOwnPropertyDescriptor(headers, '__proto__')?.value : undefined;
  if (typeof value !== 'string') return {};
  const restore: BeforeRequest = (options) => {
    Object.defineProperty(options.headers, '__proto__', { value, enumerable: true, writable: true, configurable: true });
  };
  return { hooks: { beforeRequest: [restore] } };
}
