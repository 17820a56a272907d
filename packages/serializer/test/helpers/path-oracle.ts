/**
 * The tests' own reading of PicklingError paths: `segmentsToPath` writes a path the
 * way the documentation says it should look, and `resolvePath` walks a path back
 * into the value, so a property test can check that an error points at the part
 * that really cannot travel.
 */

export type Segment =
  | { readonly type: 'prop'; readonly key: string }
  | { readonly type: 'index'; readonly index: number } // array index or Set position
  | { readonly type: 'mapValue'; readonly key: unknown; readonly position: number }
  | { readonly type: 'mapKey'; readonly position: number }
  | { readonly type: 'symbolKey'; readonly key: symbol };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function segmentsToPath(rootPath: string, segments: readonly Segment[]): string {
  let path = rootPath;
  const dot = (text: string): string => (path === '' ? text : `${path}.${text}`);
  for (const segment of segments) {
    switch (segment.type) {
      case 'prop':
        path = IDENTIFIER.test(segment.key) ? dot(segment.key) : `${path}[${JSON.stringify(segment.key)}]`;
        break;
      case 'index':
        path = `${path}[${segment.index}]`;
        break;
      case 'mapValue':
        path = dot(`get(${mapKeyLiteral(segment.key, segment.position)})`);
        break;
      case 'mapKey':
        path = dot(`keys()[${segment.position}]`);
        break;
      case 'symbolKey':
        path = `${path}[${String(segment.key)}]`;
        break;
    }
  }
  return path;
}

function mapKeyLiteral(key: unknown, position: number): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'number') return Object.is(key, -0) ? '-0' : String(key);
  if (typeof key === 'bigint') return `${key}n`;
  if (typeof key === 'boolean' || key === undefined || key === null) return String(key);
  return `<key ${position}>`;
}

export interface Resolved {
  /** The value the path names (for a hole: undefined, with `hole` set). */
  readonly value: unknown;
  /** Every object passed through on the way, root first: a cycle points back at one of them. */
  readonly ancestors: readonly unknown[];
  readonly hole: boolean;
  /** The last property key, when the path ends with one. */
  readonly lastKey?: string;
}

/** Walks `path` (written under `rootPath`) into `root`. Throws if the path does not fit the value. */
export function resolvePath(root: unknown, rootPath: string, path: string): Resolved {
  if (!path.startsWith(rootPath)) throw new Error(`path ${path} does not start with ${rootPath}`);
  let rest = path.slice(rootPath.length);
  let current: unknown = root;
  const ancestors: unknown[] = [];
  let first = rootPath === '';
  let hole = false;
  let lastKey: string | undefined;
  const step = (next: unknown): void => {
    ancestors.push(current);
    current = next;
  };
  while (rest !== '') {
    lastKey = undefined;
    const dotted = first ? /^(?:\.)?/ : /^\./;
    first = false;
    let match: RegExpMatchArray | null;
    const mapGet = current instanceof Map ? matchMapGet(current, rest, dotted) : undefined;
    if (mapGet !== undefined) {
      match = [mapGet.text] as unknown as RegExpMatchArray;
      step(mapGet.value);
    } else if ((match = rest.match(new RegExp(`${dotted.source}keys\\(\\)\\[(\\d+)\\]`))) !== null && current instanceof Map) {
      step([...current.keys()][Number(match[1])]);
    } else if ((match = rest.match(new RegExp(`${dotted.source}([A-Za-z_$][\\w$]*)`))) !== null) {
      lastKey = match[1]!;
      step(own(current, lastKey));
    } else if ((match = rest.match(/^\[("(?:[^"\\]|\\.)*")\]/)) !== null) {
      lastKey = JSON.parse(match[1]!) as string;
      step(own(current, lastKey));
    } else if ((match = rest.match(/^\[(\d+)\]/)) !== null) {
      const index = Number(match[1]);
      if (current instanceof Set) step([...current][index]);
      else {
        hole = Array.isArray(current) && !(index in current);
        step((current as unknown[])[index]);
      }
    } else if ((match = rest.match(/^\[(Symbol\(.*?\))\]/)) !== null) {
      const symbol = Object.getOwnPropertySymbols(current as object).find((s) => String(s) === match![1]);
      if (symbol === undefined) throw new Error(`no symbol key ${match[1]}`);
      step((current as Record<symbol, unknown>)[symbol]);
    } else {
      throw new Error(`cannot read path ${path} at ${JSON.stringify(rest)}`);
    }
    rest = rest.slice(match[0].length);
  }
  return { value: current, ancestors, hole, ...(lastKey === undefined ? {} : { lastKey }) };
}

/** Finds the entry whose printed key the path names; literals may contain any character. */
function matchMapGet(map: Map<unknown, unknown>, rest: string, dotted: RegExp): { text: string; value: unknown } | undefined {
  const prefix = rest.match(new RegExp(`${dotted.source}get\\(`))?.[0];
  if (prefix === undefined) return undefined;
  let position = 0;
  for (const [key, value] of map) {
    const text = `${prefix}${mapKeyLiteral(key, position)})`;
    if (rest.startsWith(text)) return { text, value };
    position++;
  }
  return undefined;
}

function own(target: unknown, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target as object, key);
  if (descriptor === undefined) throw new Error(`no own property ${JSON.stringify(key)}`);
  return (target as Record<string, unknown>)[key];
}
