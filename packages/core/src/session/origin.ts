/**
 * The "host" that perHostLimit counts: a URL's origin (scheme, host and
 * port), so 127.0.0.1 and localhost are two hosts, as are two ports of one.
 */

/** The origin of `url`; a URL that does not parse counts as a host of its own (its request will fail anyway). */
export function originOf(url: string): string {
  try {
    const { origin } = new URL(url);
    // Non-special schemes have the opaque origin "null": do not lump them together.
    return origin === 'null' ? url : origin;
  } catch {
    return url;
  }
}
