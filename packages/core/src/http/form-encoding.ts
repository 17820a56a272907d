/**
 * application/x-www-form-urlencoded the way Python's urllib.parse.urlencode
 * (doseq=True) writes it, which is what requests sends for `params` and
 * form `data`.
 */
import type { FormValue } from './request-spec.js';

/** urllib.parse.quote_plus: only A-Z a-z 0-9 _ . - ~ stay as they are; space becomes '+'. */
export function quotePlus(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/** quote_plus of bytes: each byte outside A-Z a-z 0-9 _ . - ~ as %XX, space as '+'. */
export function quotePlusBytes(bytes: Uint8Array): string {
  let quoted = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(char)) quoted += char;
    else if (byte === 0x20) quoted += '+';
    else quoted += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return quoted;
}

export type FormFields = Record<string, FormValue | FormValue[]> | Array<[string, FormValue]>;

/** Key/value pairs in order: list values repeat the key, null and undefined values are dropped, bytes stay bytes. */
export function formPairs(fields: FormFields): Array<[string, string | Uint8Array]> {
  const entries: Array<[string, FormValue | FormValue[]]> = Array.isArray(fields) ? fields : Object.entries(fields);
  const pairs: Array<[string, string | Uint8Array]> = [];
  for (const [key, value] of entries) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === null || item === undefined) continue;
      pairs.push([String(key), item instanceof Uint8Array ? item : String(item)]);
    }
  }
  return pairs;
}

export function urlencode(fields: FormFields): string {
  return formPairs(fields)
    .map(([key, value]) => `${quotePlus(key)}=${typeof value === 'string' ? quotePlus(value) : quotePlusBytes(value)}`)
    .join('&');
}
