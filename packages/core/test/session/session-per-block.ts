/** Sessions for tests that need one on a given executor, always closed with their executor. */
import { afterAll, beforeAll } from '@jest/globals';
import { FuturesSession, type Executor } from '@requests-futures/core';

/** One session on a fresh executor for the tests of a describe block: call the getter inside them. */
export function sessionPerBlock(make: () => Executor): () => FuturesSession {
  let session: FuturesSession | undefined;
  beforeAll(() => {
    session = new FuturesSession({ executor: make() });
  });
  afterAll(async () => {
    await session?.close();
    await session?.executor.shutdown();
  });
  return () => session!;
}

/** Runs `fn` with a session on `executor`, then closes both, whatever `fn` did. */
export async function withSession<E extends Executor, T>(executor: E, fn: (session: FuturesSession, executor: E) => Promise<T>): Promise<T> {
  const session = new FuturesSession({ executor });
  try {
    return await fn(session, executor);
  } finally {
    await session.close();
    await executor.shutdown();
  }
}
