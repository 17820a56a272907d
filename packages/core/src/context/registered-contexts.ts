/**
 * AsyncLocalStorage contexts that travel to child processes with a request.
 * In this process a queued request already runs in its caller's context
 * (futures/caller-context.ts); a child has none of it. A context the user
 * registers, by the storage and an fnRef naming where the child imports that
 * same storage from, is read when the request is made, checked like the rest
 * of the spec (PicklingError at submit), and entered in the child around the
 * request, its response hooks and its backgroundCallback.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { assertPicklable, isFnRef, type FnRef } from '@requests-futures/serializer';

export interface RegisterContextOptions<T> {
  /** What of the store travels (default: the store itself); must be picklable. */
  pick?: (store: T) => unknown;
}

/** One registered context's value, as it travels in `RequestSpec.contexts`. */
export interface TravellingContext {
  /** Where the child imports the AsyncLocalStorage from. */
  storage: FnRef;
  value: unknown;
}

interface Registration {
  readonly storage: AsyncLocalStorage<unknown>;
  readonly ref: FnRef;
  readonly pick: ((store: unknown) => unknown) | undefined;
}

const registrations = new Map<string, Registration>();

/**
 * Makes `storage`'s store travel with every request sent to a child process;
 * `ref` names the module export that is this same storage (the child imports
 * it). Registering the same `ref` again replaces the earlier registration.
 * Returns the function that unregisters it.
 * @throws TypeError when storage is not an AsyncLocalStorage, ref not an fnRef, or pick not a function.
 */
export function registerContext<T>(storage: AsyncLocalStorage<T>, ref: FnRef, options: RegisterContextOptions<T> = {}): () => void {
  if (!(storage instanceof AsyncLocalStorage)) {
    throw new TypeError(`registerContext(storage, ref): storage must be an AsyncLocalStorage, got ${describe(storage)}`);
  }
  if (!isFnRef(ref)) {
    throw new TypeError(`registerContext(storage, ref): ref must be fnRef(import.meta.url, '<export name of the storage>'), got ${describe(ref)}`);
  }
  const pick = options.pick;
  if (pick !== undefined && typeof pick !== 'function') {
    throw new TypeError(`registerContext(storage, ref, { pick }): pick must be a function, got ${describe(pick)}`);
  }
  const key = ref.toString();
  const registration: Registration = { storage: storage as AsyncLocalStorage<unknown>, ref, pick: pick as Registration['pick'] };
  registrations.set(key, registration);
  return () => {
    if (registrations.get(key) === registration) registrations.delete(key);
  };
}

/**
 * The registered contexts the caller is in now (a storage with no store is
 * left out), or undefined if none.
 * @throws PicklingError naming the context when a value cannot travel.
 */
export function captureRegisteredContexts(): TravellingContext[] | undefined {
  if (registrations.size === 0) return undefined;
  let captured: TravellingContext[] | undefined;
  for (const { storage, ref, pick } of registrations.values()) {
    const store = storage.getStore();
    if (store === undefined) continue;
    const value = pick === undefined ? store : pick(store);
    assertPicklable(value, `registeredContext(${ref.toString()})`);
    (captured ??= []).push({ storage: ref, value });
  }
  return captured;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'Object';
  return typeof value;
}
