/**
 * A reply arrives from the IPC channel built by Node's core, in the main realm.
 * When the coordinator runs inside another realm (a vm context: jest's test
 * environment), those objects fail the serializer's plain-object checks
 * (`Object.getPrototypeOf(x) === Object.prototype`) and superjson silently skips
 * their annotations: a Map or a Uint8Array nested in a result would come back as
 * its JSON placeholder. Re-creating the JSON part in this realm fixes that; in a
 * plain Node process the reply is already ours and nothing is copied.
 */
import type { Wire } from '@requests-futures/serializer';

export function adoptWire(wire: Wire): Wire {
  if (madeInThisRealm(wire)) return wire;
  const json: unknown = wire.json === undefined ? undefined : JSON.parse(JSON.stringify(wire.json));
  if (wire.meta === undefined) return { json, buffers: wire.buffers };
  return { json, meta: JSON.parse(JSON.stringify(wire.meta)) as unknown, buffers: wire.buffers };
}

/** A main-realm object is not an instance of this realm's Object. */
function madeInThisRealm(value: object): boolean {
  return value instanceof Object;
}
