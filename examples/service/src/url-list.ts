/**
 * The body of POST /fetch: a JSON array of URL strings. Reading stops at a
 * size cap, so a client cannot make a worker buffer without bound.
 */
import type { IncomingMessage } from 'node:http';

/** A request the service refuses, with the HTTP status that says why. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';

  constructor(readonly status: 400 | 413, message: string) {
    super(message);
  }
}

/** Generous for a list of URLs (about 10,000 of 100 characters). */
export const MAX_BODY_BYTES = 1024 * 1024;

export async function readUrlList(req: IncomingMessage, maxUrls: number): Promise<string[]> {
  // The content type is not checked: `curl -d` sends form-urlencoded for a JSON body.
  const body = await readBody(req, MAX_BODY_BYTES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new BadRequestError(400, `body is not JSON: ${(error as Error).message}`);
  }
  return validateUrlList(parsed, maxUrls);
}

export function validateUrlList(value: unknown, maxUrls: number): string[] {
  if (!Array.isArray(value)) throw new BadRequestError(400, `expected a JSON array of URLs; got ${value === null ? 'null' : typeof value}`);
  if (value.length === 0) throw new BadRequestError(400, 'expected at least one URL');
  if (value.length > maxUrls) throw new BadRequestError(413, `at most ${maxUrls} URLs per request; got ${value.length}`);
  const notString = value.findIndex((item) => typeof item !== 'string');
  if (notString !== -1) throw new BadRequestError(400, `item ${notString} is not a string`);
  return value as string[];
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new BadRequestError(413, `body larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
