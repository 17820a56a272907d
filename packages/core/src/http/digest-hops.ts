/**
 * Digest auth on the hops of one request (requests' HTTPDigestAuth), for
 * request.ts's follow. Imported on first use by a request with Digest
 * credentials, so that a pool child serving other requests never loads it.
 */
import type { DigestAuthSpec } from './auth.js';
import { digestAuthorization, parseDigestChallenge } from './digest-auth.js';
import { nextNonceUse, rememberChallenge } from './digest-nonces.js';
import type { Hop } from './redirects.js';
import type { HopResponse } from './send-hop.js';

/**
 * requests' HTTPDigestAuth.handle_401: once per hop, a 401 offering Digest is
 * answered with the same request carrying the computed Authorization.
 */
export function digestRetry(auth: DigestAuthSpec, hop: Hop, answer: HopResponse): Hop | null {
  if (answer.statusCode !== 401) return null;
  const challenge = parseDigestChallenge(answer.headers.get('www-authenticate') ?? '');
  if (challenge === null) return null;
  const authorization = digestAuthorization(auth, hop.method, hop.url, challenge);
  if (authorization === null) return null;
  rememberChallenge(auth.key, hop.url, challenge);
  return withAuthorization(hop, authorization);
}

/** requests' HTTPDigestAuth once it answered a challenge: later requests to that origin carry the answer at once (digest-nonces.ts). */
export function withRememberedDigest(auth: DigestAuthSpec, hop: Hop): Hop {
  const remembered = nextNonceUse(auth.key, hop.url);
  const authorization = remembered && digestAuthorization(auth, hop.method, hop.url, remembered.challenge, remembered.nonceCount);
  if (!authorization) return hop;
  return withAuthorization(hop, authorization);
}

/** The hop again with that Authorization, on its own copy of the headers (the hop's own may be shared). */
function withAuthorization(hop: Hop, authorization: string): Hop {
  const headers = hop.headers.copy();
  headers.set('Authorization', authorization);
  return { ...hop, headers };
}
