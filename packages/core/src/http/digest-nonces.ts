/**
 * requests' HTTPDigestAuth keeps the last challenge it answered and, from
 * then on, sends the Authorization with the next request (the same nonce, nc
 * incremented) instead of waiting for another 401. The same here, per auth
 * object (its key) and origin, in the process the request runs in: a pool
 * child learns a nonce with its first 401 and reuses it for the requests it
 * runs; a stale nonce is answered as any 401 is (request.ts), which replaces it.
 */
type Challenge = Record<string, string>;

interface Known {
  challenge: Challenge;
  /** The last nc sent with this nonce. */
  count: number;
}

/** Origins times auth objects a process remembers; the oldest is forgotten first. */
const MAX_KNOWN = 256;
const known = new Map<string, Known>();

function keyOf(authKey: string, url: string): string {
  return `${authKey} ${new URL(url).origin}`;
}

/** A 401's challenge was answered with nc=1: the next request to that origin reuses it. */
export function rememberChallenge(authKey: string, url: string, challenge: Challenge): void {
  const key = keyOf(authKey, url);
  known.delete(key);
  known.set(key, { challenge, count: 1 });
  if (known.size > MAX_KNOWN) known.delete(known.keys().next().value!);
}

/** The remembered challenge for `url`'s origin with the next nc to send, or undefined before any 401. */
export function nextNonceUse(authKey: string, url: string): { challenge: Challenge; nonceCount: number } | undefined {
  const entry = known.get(keyOf(authKey, url));
  if (entry === undefined) return undefined;
  entry.count += 1;
  return { challenge: entry.challenge, nonceCount: entry.count };
}
