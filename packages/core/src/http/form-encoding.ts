/**
 * application/x-www-form-urlencoded the way Python's urllib.parse.urlencode
 * (doseq=True) writes it, which is what requests sends for `params` and
 * form `data`.
 */
import type { ParamValue } from './request-spec.js';

/** urllib.parse.quote_plus: only A-Z a-z 0-9 _ . - ~ stay as they are; space becomes '+'. */
export function quotePlus(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

export type FormFields = Record<string, ParamValue | ParamValue[]> | Array<[string, ParamValue]>;

/** Key/value pairs in order: list values repeat the key, null and undefined values are dropped. */
export function formPairs(fields: FormFields): Array<[string, string]> {
  const entries: Array<[string, ParamValue | ParamValue[]]> = Array.isArray(fields) ? fields : Object.entries(fields);
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of entries) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === null || item === undefined) continue;
      pairs.push([String(key), String(item)]);
    }
  }
  return pairs;
}

export function urlencode(fields: FormFields): string {
  return formPairs(fields)
    .map(([key, value]) => `${quotePlus(key)}=${quotePlus(value)}`)
    .join('&');
}
