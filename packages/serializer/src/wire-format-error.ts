/** A wire that this codec did not produce, or that was damaged on the way. */
import { registerErrorClass } from './registry.js';

export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
  readonly code = 'ERR_WIRE_FORMAT';
}

registerErrorClass(WireFormatError, 'rf.WireFormatError');
