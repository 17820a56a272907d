/**
 * Headers undici sets itself and refuses from the caller (each request would
 * fail with InvalidArgumentError or NotSupportedError), lower case. Apart from
 * the client so the command line can check them without loading undici.
 */
export const UNDICI_MANAGED_HEADERS: readonly string[] = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect'];
