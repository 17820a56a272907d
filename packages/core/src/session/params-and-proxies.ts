/**
 * `session.params` and `session.proxies` as dicts (item-dict.ts), with the
 * value each may hold checked at assignment.
 */
import type { ParamValue, Params } from '../http/request-spec.js';
import { itemDict, type SessionDict } from './item-dict.js';

export type ParamItem = ParamValue | ParamValue[];

const isScalar = (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';

function checkParam(key: string, value: unknown, what: string): ParamItem {
  if (isScalar(value) || (Array.isArray(value) && value.every((v) => v === null || v === undefined || isScalar(v)))) return value as ParamItem;
  throw new TypeError(`${what}['${key}'] must be a string, number, boolean or a list of them, got ${Array.isArray(value) ? 'a list with other values' : typeof value}`);
}

function checkProxy(key: string, value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  throw new TypeError(`${what}['${key}'] must be a proxy URL string such as 'http://127.0.0.1:3128', got ${typeof value}`);
}

/**
 * A query string or a list of pairs given as the session's params becomes a
 * dict; a key given more than once keeps all its values, as a list.
 */
function paramPairs(params: Params): Array<[string, ParamItem]> {
  const pairs: Array<[string, ParamValue]> = typeof params === 'string' ? [...new URLSearchParams(params)] : (params as Array<[string, ParamValue]>);
  const grouped = new Map<string, ParamValue[]>();
  for (const [key, value] of pairs) grouped.set(key, [...(grouped.get(key) ?? []), value]);
  return [...grouped].map(([key, values]) => [key, values.length === 1 ? values[0] : values]);
}

export type SessionParams = SessionDict<ParamItem>;
export type SessionProxies = SessionDict<string>;

export function sessionParams(init?: Params | null): SessionParams {
  const dict = itemDict<ParamItem>('session.params', checkParam);
  setParams(dict, init);
  return dict;
}

export function setParams(dict: SessionParams, params: Params | null | undefined): void {
  if (typeof params === 'string' || Array.isArray(params)) dict.replace(paramPairs(params));
  else dict.replace(params);
}

export function sessionProxies(init?: Record<string, string> | null): SessionProxies {
  const dict = itemDict<string>('session.proxies', checkProxy);
  dict.replace(init);
  return dict;
}
