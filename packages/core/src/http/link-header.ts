/**
 * requests' parse_header_links and Response.links, ported line by line so a
 * malformed header gives what requests gives, not what RFC 8288 would.
 */

/** One link: `url`, and every parameter of it (`rel`, `type`, …) as a string. */
export type Link = { url: string } & Record<string, string>;

/** Python's str.strip(chars): drops any of `chars` from both ends. */
function strip(value: string, chars: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && chars.includes(value[start]!)) start++;
  while (end > start && chars.includes(value[end - 1]!)) end--;
  return value.slice(start, end);
}

const QUOTES_AND_SPACE = ' \'"';

export function parseHeaderLinks(header: string): Link[] {
  const links: Link[] = [];
  const value = strip(header, QUOTES_AND_SPACE);
  if (!value) return links;
  for (const entry of value.split(/, *</)) {
    const semicolon = entry.indexOf(';');
    const [url, params] = semicolon === -1 ? [entry, ''] : [entry.slice(0, semicolon), entry.slice(semicolon + 1)];
    const link: Link = { url: strip(url, '<> \'"') } as Link;
    for (const param of params.split(';')) {
      const parts = param.split('=');
      // requests: `key, value = param.split("=")` fails unless there is exactly one '=', and then it stops.
      if (parts.length !== 2) break;
      link[strip(parts[0]!, QUOTES_AND_SPACE)] = strip(parts[1]!, QUOTES_AND_SPACE);
    }
    links.push(link);
  }
  return links;
}

/** requests' Response.links: each link under its `rel`, or under its URL when it has none. */
export function linksByRel(header: string | undefined): Record<string, Link> {
  const resolved: Record<string, Link> = {};
  if (!header) return resolved;
  for (const link of parseHeaderLinks(header)) resolved[link['rel'] || link.url] = link;
  return resolved;
}
