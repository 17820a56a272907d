/**
 * The Digest answer requests' HTTPDigestAuth.build_digest_header computes
 * (RFC 7616 / 2617): the challenge's parameters parsed like
 * requests.utils.parse_dict_header, the response digest over A1 and A2.
 */
import { createHash, randomBytes } from 'node:crypto';

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'MD5-SESS': 'md5',
  SHA: 'sha1',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512',
};

/** `realm="a, b", nonce=x, qop="auth,auth-int"` → { realm: 'a, b', nonce: 'x', qop: 'auth,auth-int' } */
export function parseDigestChallenge(header: string): Record<string, string> | null {
  const start = header.search(/digest /i);
  if (start === -1) return null;
  const params: Record<string, string> = {};
  const pattern = /\s*([^\s=,]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*,?/g;
  const text = header.slice(start + 'digest '.length);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    params[match[1]!.toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!.trim();
  }
  return params;
}

export interface DigestCredentials {
  username: string;
  password: string;
}

/** The Authorization value answering `challenge`, or null for what requests cannot answer (auth-int only, an unknown algorithm). */
export function digestAuthorization(credentials: DigestCredentials, method: string, url: string, challenge: Record<string, string>, nonceCount = 1): string | null {
  const { realm = '', nonce = '', qop, opaque } = challenge;
  const algorithm = challenge.algorithm;
  const hashName = HASHES[(algorithm ?? 'MD5').toUpperCase()];
  if (hashName === undefined) return null;
  const hash = (text: string) => createHash(hashName).update(text, 'utf8').digest('hex');
  const target = new URL(url);
  const path = (target.pathname || '/') + target.search;
  let ha1 = hash(`${credentials.username}:${realm}:${credentials.password}`);
  const ha2 = hash(`${method}:${path}`);
  const nc = nonceCount.toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  if ((algorithm ?? '').toUpperCase() === 'MD5-SESS') ha1 = hash(`${ha1}:${nonce}:${cnonce}`);
  let response: string;
  if (!qop) response = hash(`${ha1}:${nonce}:${ha2}`);
  else if (qop.split(',').map((q) => q.trim()).includes('auth')) response = hash(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  else return null;
  let value = `username="${credentials.username}", realm="${realm}", nonce="${nonce}", uri="${path}", response="${response}"`;
  if (opaque) value += `, opaque="${opaque}"`;
  if (algorithm) value += `, algorithm="${algorithm}"`;
  if (qop) value += `, qop="auth", nc=${nc}, cnonce="${cnonce}"`;
  return `Digest ${value}`;
}
