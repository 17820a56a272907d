/**
 * Wires made ahead of the encode() that carries their value. FuturesSession
 * must refuse a spec that cannot travel when the request is made, before it
 * may wait for its host, while the executor encodes it only when it sends it:
 * encodeAhead() lets that check be the spec's only walk, and the later
 * encode() of `{ fn, args: [spec] }` splices this wire in.
 *
 * A wire is taken once (a second encode of the same object walks it again), so
 * the json stays a tree. The value must not change in between: the session
 * hands a spec it has just built to the executor and touches it no more.
 */
import type { Wire } from './codec.js';

const ahead = new WeakMap<object, Wire>();

export function keepEncoded(value: object, wire: Wire): void {
  ahead.set(value, wire);
}

/** The wire encodeAhead() made of this very object, once. */
export function takeEncoded(value: object): Wire | undefined {
  const wire = ahead.get(value);
  if (wire !== undefined) ahead.delete(value);
  return wire;
}
