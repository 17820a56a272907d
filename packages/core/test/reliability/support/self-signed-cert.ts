/**
 * A throw-away self-signed certificate for 127.0.0.1 and localhost, made by
 * the test itself with the system's openssl (no key material is committed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Removes the temporary directory holding the files. */
  remove(): Promise<void>;
}

export class OpensslMissingError extends Error {
  override name = 'OpensslMissingError';
}

export async function makeSelfSignedCert(): Promise<SelfSignedCert> {
  const dir = await mkdtemp(join(tmpdir(), 'rf-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
      '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-days', '2',
      '-keyout', keyPath, '-out', certPath,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new OpensslMissingError(
        'The TLS tests make their certificate with the `openssl` command, which is not installed: install it (Debian: apt-get install openssl).',
        { cause: error },
      );
    }
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    throw new Error(`openssl could not make a self-signed certificate: ${stderr || (error as Error).message}`, { cause: error });
  }
  return {
    certPath,
    keyPath,
    cert: await readFile(certPath),
    key: await readFile(keyPath),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
