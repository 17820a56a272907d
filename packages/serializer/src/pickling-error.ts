/**
 * The error for "this value cannot cross the process boundary", named after
 * Python's pickle.PicklingError so requests-futures users recognise it.
 */
import { registerErrorClass } from './registry.js';

export const PICKLING_DOCS_URL =
  'https://github.com/requests-futures-ts/requests-futures-ts#using-processpoolexecutor';

export class PicklingError extends TypeError {
  override readonly name = 'PicklingError';
  readonly code = 'ERR_PICKLING';
  /** What could not travel: 'function', 'symbol', 'circular reference', 'instance of Foo', ... */
  readonly kind: string;
  /** Where it sits, e.g. `hooks.response[0]` ('' means the root value itself). */
  readonly path: string;

  constructor(kind: string, path: string, options?: ErrorOptions) {
    // An empty path only happens for the root under rootPath ''; "at ." would read as a typo.
    super(`Cannot pickle ${kind} at ${path === '' ? '(root)' : path}. Refer to documentation: ${PICKLING_DOCS_URL}`, options);
    this.kind = kind;
    this.path = path;
  }
}

// A worker may refuse its own result: the coordinator must still see a PicklingError.
registerErrorClass(PicklingError, 'rf.PicklingError');
