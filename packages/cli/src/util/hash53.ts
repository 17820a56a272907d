/**
 * cyrb53, a fast 53-bit string hash, for the sets that grow with a run (the
 * names handed out, the directories swept) and keep a number instead of the
 * string. Not cryptographic, and need not be: a clash, even a crafted one,
 * only makes a set answer "seen" for something it has not seen (an unneeded
 * " (n)", a directory not swept). A sha1 per lookup was most of the path
 * allocator's time on long lists.
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
