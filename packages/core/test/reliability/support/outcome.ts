/**
 * The error a request ends with, whether the session refused it synchronously
 * (bad options are checked before anything is queued) or its future rejected
 * (what the engine checks where the request runs).
 */
export async function errorOf(start: () => PromiseLike<unknown>): Promise<Error> {
  let value: unknown;
  try {
    value = await start();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error(`expected the request to fail, but it resolved to ${describe(value)}`);
}

function describe(value: unknown): string {
  const status = (value as { statusCode?: unknown } | null)?.statusCode;
  return status === undefined ? typeof value : `a response with status ${String(status)}`;
}
