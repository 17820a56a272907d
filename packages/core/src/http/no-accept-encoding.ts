/**
 * requests sends no Accept-Encoding when the caller removed it (a session
 * header set to null). got, with decompression on, adds its own
 * `gzip, deflate, br` whenever the header is missing, and an `undefined`
 * value does not stop it (it only deletes the key before adding its own). A
 * beforeRequest hook runs after that, and takes it out again; decompression
 * stays on, so a server that compresses anyway is still decoded, as urllib3
 * decodes it.
 */
import type { BeforeRequest } from './proto-header.js';

const dropAddedAcceptEncoding: BeforeRequest = (options) => {
  delete (options.headers as Record<string, unknown>)['accept-encoding'];
};

/** The beforeRequest hooks that keep got from adding Accept-Encoding; none when the caller sends one. */
export function withoutAddedAcceptEncoding(headers: Readonly<Record<string, string | undefined>>): BeforeRequest[] {
  return Object.hasOwn(headers, 'accept-encoding') ? [] : [dropAddedAcceptEncoding];
}
