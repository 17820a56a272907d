/**
 * How PicklingError names a place inside a value. Written as close to JavaScript as
 * the structures allow, so the path can be read (and mostly evaluated) against the
 * value the user passed: `hooks.response[0]`, `headers["x-token"]`, `m.get("k")`.
 */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Joins a segment that would start with a dot; under rootPath '' the first one has none. */
function dotted(parent: string, segment: string): string {
  return parent === '' ? segment : `${parent}.${segment}`;
}

export function propertyPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? dotted(parent, key) : `${parent}[${JSON.stringify(key)}]`;
}

/** Array index, and also the position of a Set element in iteration order. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function symbolKeyPath(parent: string, key: symbol): string {
  return `${parent}[${String(key)}]`;
}

/** A Map key itself: the index-th key in iteration order. */
export function mapKeyPath(parent: string, index: number): string {
  return dotted(parent, `keys()[${index}]`);
}

/** A Map value: `.get(<key>)` with the key as a literal, or `<key N>` when the key is an object. */
export function mapValuePath(parent: string, key: unknown, index: number): string {
  return dotted(parent, `get(${formatMapKey(key, index)})`);
}

function formatMapKey(key: unknown, index: number): string {
  switch (typeof key) {
    case 'string':
      return JSON.stringify(key);
    case 'number':
      return Object.is(key, -0) ? '-0' : String(key);
    case 'bigint':
      return `${key}n`;
    case 'boolean':
    case 'undefined':
      return String(key);
    default:
      return key === null ? 'null' : `<key ${index}>`;
  }
}
