/** Plain JSON answers (everything but the NDJSON stream of POST /fetch). */
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, name: string, message: string): void {
  sendJson(res, status, { error: { name, message } });
}
