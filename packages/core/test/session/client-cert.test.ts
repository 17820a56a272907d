/**
 * requests' `cert` on both executors, against a loopback TLS server that
 * requires a client certificate signed by the CA it trusts. Certificates are
 * made here with openssl (reliability/support/self-signed-cert.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { ConnectionError, FuturesSession, SSLError, type Executor } from '@requests-futures/core';
import { makeSelfSignedCert, type SelfSignedCert } from '../reliability/support/self-signed-cert.js';
import { executorCases } from './executors.js';

let serverCert: SelfSignedCert;
let clientCert: SelfSignedCert;
let otherCert: SelfSignedCert;
let combinedPem: string;
let server: Server;
let url: string;

beforeAll(async () => {
  [serverCert, clientCert, otherCert] = await Promise.all([makeSelfSignedCert(), makeSelfSignedCert(), makeSelfSignedCert()]);
  combinedPem = join(clientCert.certPath, '..', 'combined.pem');
  writeFileSync(combinedPem, Buffer.concat([clientCert.cert, clientCert.key]));
  server = createServer({ cert: serverCert.cert, key: serverCert.key, ca: [clientCert.cert], requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ authorized: (req.socket as TLSSocket).authorized, fingerprint: peer.fingerprint256 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 30_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all([serverCert.remove(), clientCert.remove(), otherCert.remove()]);
});

describe.each(executorCases)('client certificates on $name', ({ make }) => {
  let executor: Executor;
  let session: FuturesSession;
  beforeAll(() => {
    executor = make();
    // trustEnv off: REQUESTS_CA_BUNDLE, if set around the tests, would outrank the session's verify (as in requests).
    session = new FuturesSession({ executor, verify: serverCert.certPath, trustEnv: false });
  });
  afterAll(async () => {
    await session.close();
    await executor.shutdown();
  });

  it('cert: [certificate file, key file] is presented to the server', async () => {
    const resp = await session.get(url, { cert: [clientCert.certPath, clientCert.keyPath] });
    expect(resp.json()).toEqual({ authorized: true, fingerprint: new X509Certificate(clientCert.cert).fingerprint256 });
  });

  it('cert: one PEM file holding both, set on the session', async () => {
    const local = new FuturesSession({ executor, verify: serverCert.certPath, cert: combinedPem, trustEnv: false });
    const resp = await local.get(url);
    expect(resp.json().authorized).toBe(true);
    await local.close();
  });

  it('without a certificate, or with one the server does not trust, the handshake fails with a ConnectionError', async () => {
    await expect(session.get(url)).rejects.toBeInstanceOf(ConnectionError);
    await expect(session.get(url, { cert: [otherCert.certPath, otherCert.keyPath] })).rejects.toBeInstanceOf(ConnectionError);
  });

  it('a missing certificate file is SSLError naming the path', async () => {
    const error = await session.get(url, { cert: ['/no/such/cert.pem', clientCert.keyPath] }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(SSLError);
    expect((error as Error).message).toBe('Could not find the TLS certificate file, invalid path: /no/such/cert.pem');
  });
});

describe('cert validation', () => {
  it('anything but a path or a pair of paths is a TypeError naming cert', () => {
    expect(() => new FuturesSession({ cert: ['only-one'] as never })).toThrow(/cert must be a PEM file path or a \[certificate file, key file\] pair/);
    const session = new FuturesSession();
    expect(() => session.get('https://127.0.0.1:9/', { cert: 42 as never })).toThrow(/Request option 'cert' must be/);
    void session.close();
  });
});
