/**
 * A 206's Content-Range, checked against what was asked and what is known of
 * the resource, so that a slice is never saved as the whole file: the start
 * must be where the request asked (0 when it asked nothing), the total must
 * be stated and agree with earlier parts, and the file is complete only when
 * the slice reaches that total. A 200 that carries one must hold the
 * resource from its first byte.
 */
import { IncompleteDownload, RequestException, type RequestInfo } from './errors.js';

export interface ContentRange {
  start: number;
  /** Inclusive, as in the header. */
  end: number;
  /** The resource's size; undefined for `*`. */
  total: number | undefined;
}

/** `bytes <start>-<end>/<total|*>`, or undefined when the header is absent or malformed. */
export function parseContentRange(header: string | undefined): ContentRange | undefined {
  const match = header ? /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(header.trim()) : null;
  if (!match) return undefined;
  const range = { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
  if (range.end < range.start || (range.total !== undefined && range.end >= range.total)) return undefined;
  return range;
}

export interface RangeExpectation {
  /** The first byte the request asked for; 0 when it sent no Range. */
  start: number;
  /** The resource's size as an earlier part of this download stated it, when known. */
  total?: number | undefined;
}

/**
 * The Content-Range of a 206 to a download, checked: a wrong start or total
 * is a RequestException (the bytes do not fit the file), a slice that stops
 * short of the total is IncompleteDownload (the bytes fit, the rest is
 * missing: what arrives is kept with resume, and a retry asks for the rest).
 * Returns the total the finished file must have.
 */
export function checkContentRange(header: string | undefined, expected: RangeExpectation, request: RequestInfo): { range: ContentRange; total: number } {
  const where = `${request.method} ${request.url}`;
  const range = parseContentRange(header);
  if (range === undefined) {
    throw new RequestException(`206 Partial Content with an invalid Content-Range '${header ?? ''}': ${where}`, { request });
  }
  if (range.start !== expected.start) {
    throw new RequestException(`Asked for bytes from ${expected.start} but the server sent Content-Range '${header}': ${where}`, { request });
  }
  if (range.total === undefined) {
    throw new RequestException(`206 Partial Content without the resource's size (Content-Range '${header}'): cannot tell when the file is complete: ${where}`, { request });
  }
  if (expected.total !== undefined && range.total !== expected.total) {
    throw new RequestException(`The resource's size changed from ${expected.total} to ${range.total} bytes (Content-Range '${header}'): ${where}`, { request });
  }
  return { range, total: range.total };
}

/**
 * The resource's size that the Content-Range of a 200 (or any 2xx but 206)
 * states, when it has one: such an answer is the whole resource, so a range
 * that does not start at 0 is a slice labelled as the whole (a
 * RequestException: its bytes do not begin the file), and one that does must
 * reach its total (IncompleteDownload short of it). A header that does not
 * parse says nothing and is ignored.
 */
export function totalOfWholeResponse(statusCode: number, header: string | undefined, request: RequestInfo): number | undefined {
  const range = parseContentRange(header);
  if (range === undefined) return undefined;
  if (range.start !== 0) {
    throw new RequestException(`A ${statusCode} whose Content-Range '${header}' says it holds a slice, not the whole resource: ${request.method} ${request.url}`, { request });
  }
  return range.total;
}

/** The error for a file that stops short of what the server declared (`declared` bytes). */
export function incompleteDownload(received: number, declared: number, request: RequestInfo): IncompleteDownload {
  return new IncompleteDownload(`Received ${received} of ${declared} bytes the server declared: ${request.method} ${request.url}`, { request });
}
