/**
 * A single-range `Range: bytes=...` header, as downloaders send it to resume.
 * Multi-range requests are answered with the whole body (allowed by RFC 9110).
 */
export type RangeRequest =
  | { kind: 'none' }
  | { kind: 'range'; start: number; end: number } // end exclusive
  | { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'none' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'none' };
  if (match[1] === '') {
    // "bytes=-N": the last N bytes.
    const suffix = Number(match[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  // "bytes=5-2" is not a range at all: ignored, the whole body is sent.
  if (match[2] !== '' && Number(match[2]) < start) return { kind: 'none' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return { kind: 'range', start, end: last + 1 };
}
