/**
 * Turns a task's outcome into a `TaskReply`. Building a reply never throws:
 * a throw from the entry would reach the coordinator as a classless plain object.
 */
import { encode, isPackedWire, packWire } from '@requests-futures/serializer';
import type { PackedReply, TaskReply } from './protocol.js';

export function replyWithValue(value: unknown): TaskReply {
  try {
    // encode refuses (PicklingError naming e.g. `result.cb`) what superjson would silently drop.
    return { ok: true, value: encode(value, { rootPath: 'result' }) };
  } catch (error) {
    return replyWithError(error);
  }
}

export function replyWithError(error: unknown): TaskReply {
  try {
    return { ok: false, error: encode(error, { rootPath: 'error' }) };
  } catch (encodingError) {
    // The error carried something that cannot travel: keep what a reader needs.
    return { ok: false, error: encode(describeUnencodable(error, encodingError)) };
  }
}

/** The reply as the pipe carries it (already packed: as it is). */
export function packReply(reply: TaskReply | PackedReply): PackedReply {
  if (reply.ok) return isPackedWire(reply.value) ? reply : { ok: true, value: packWire(reply.value) };
  return isPackedWire(reply.error) ? reply : { ok: false, error: packWire(reply.error) };
}

function describeUnencodable(error: unknown, encodingError: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(original.message, { cause: String(encodingError) });
  copy.name = original.name;
  copy.stack = original.stack;
  return copy;
}
