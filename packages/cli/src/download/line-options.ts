/**
 * aria2c-style per-URL options in a URL list: indented `name=value` lines
 * after a URL apply to that URL.
 *
 *   https://example.com/a.iso
 *     out=isos/a.iso
 *     header=Authorization: Bearer t
 *     checksum=sha-256=<64 hex digits>
 *
 * Only these three are understood; anything else is refused with its line
 * number, so a typo never silently downloads with the wrong settings.
 */
import { UsageError } from '../errors.js';
import { parseHeader } from '../util/parse.js';
import { parseDigestField } from './checksums.js';
import { pathEscapesDirectory } from './paths.js';

/** What the options of one URL set; merged into its list entry. */
export interface LineOptions {
  requestedPath?: string;
  expectedSha256?: string;
  headers?: Record<string, string>;
}

const OPTION_LINE = /^[ \t]+([A-Za-z][A-Za-z0-9-]*)=(.*)$/;

/** `[name, value]` of an indented `name=value` line; null for any other line (an indented URL stays a URL line). */
export function optionLine(line: string): [string, string] | null {
  const match = OPTION_LINE.exec(line.replace(/\r$/, ''));
  return match ? [(match[1] ?? '').toLowerCase(), (match[2] ?? '').trim()] : null;
}

function checksumOption(value: string): string {
  const match = /^(sha-?256)=(.*)$/i.exec(value);
  if (!match) throw new Error(`checksum=${JSON.stringify(value)}: only checksum=sha-256=<64 hex digits> is supported`);
  const digest = parseDigestField(`sha256=${match[2] ?? ''}`);
  if ('reason' in digest) throw new Error(`checksum: ${digest.reason}`);
  return digest.sha256;
}

/**
 * Applies one option to what the URL's line (TAB fields) and earlier options
 * set; throws an Error whose message says what is wrong with it.
 */
export function applyLineOption(current: LineOptions, name: string, value: string): LineOptions {
  switch (name) {
    case 'out': {
      if (value === '') throw new Error('out= needs a relative path');
      if (current.requestedPath !== undefined) throw new Error(`out=${JSON.stringify(value)}: the path is already given (${JSON.stringify(current.requestedPath)})`);
      if (pathEscapesDirectory(value)) throw new Error(`out=${JSON.stringify(value)} escapes the output directory`);
      return { ...current, requestedPath: value };
    }
    case 'header': {
      let parsed: [string, string];
      try {
        parsed = parseHeader(value);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        throw new Error(`header=${JSON.stringify(value)} must look like "Name: value"`);
      }
      const [headerName, headerValue] = parsed;
      const headers = { ...current.headers };
      if (Object.keys(headers).some((known) => known.toLowerCase() === headerName.toLowerCase())) {
        throw new Error(`header ${JSON.stringify(headerName)} is given twice for this URL`);
      }
      headers[headerName] = headerValue;
      return { ...current, headers };
    }
    case 'checksum': {
      const sha256 = checksumOption(value);
      if (current.expectedSha256 !== undefined && current.expectedSha256 !== sha256) {
        throw new Error('checksum= differs from the sha256 already given for this URL');
      }
      return { ...current, expectedSha256: sha256 };
    }
    default:
      throw new Error(`unknown option ${JSON.stringify(name)} (known: out, header, checksum)`);
  }
}
