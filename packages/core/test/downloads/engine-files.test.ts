/**
 * The names in engine-files.ts are what rf download's path allocator reserves
 * and what its sweep removes: every hidden file the engine really makes must
 * be recognised, and no ordinary name must be.
 */
import { describe, expect, it } from '@jest/globals';
import { basename } from 'node:path';
import {
  ENGINE_NAME_OVERHEAD_BYTES,
  claimAsidePath,
  claimTemporaryPath,
  isEngineFileName,
  isTemporaryFileOf,
  temporaryFileOwner,
  temporaryPathFor,
  transientFileOwner,
} from '@requests-futures/core/engine-files';
import { partialPaths } from '../../dist/http/partial-download.js';
import { PartClaim } from '../../dist/http/part-claim.js';

const TARGET = '/downloads/host/big.bin';
const request = { method: 'GET', url: 'http://127.0.0.1/big.bin' };

function engineNames(target: string): string[] {
  const { part, record } = partialPaths(target);
  const lock = new PartClaim(part, request).lockPath;
  return [temporaryPathFor(target), part, record, lock, claimTemporaryPath(lock), claimAsidePath(lock)].map((path) => basename(path));
}

describe('the engine hidden file names', () => {
  it('recognises every name the engine makes beside a target, and no more bytes than the overhead it declares', () => {
    for (const target of [TARGET, '/d/a name (2).tar.gz', '/d/.hidden', `/d/${'x'.repeat(200)}`]) {
      for (const name of engineNames(target)) {
        expect(isEngineFileName(name)).toBe(true);
        expect(Buffer.byteLength(name) - Buffer.byteLength(basename(target))).toBeLessThanOrEqual(ENGINE_NAME_OVERHEAD_BYTES);
      }
    }
  });

  it('leaves ordinary names alone', () => {
    for (const name of ['big.bin', 'big.bin.part', '.big.bin', '.big.bin.part (2)', 'part', '.part.json.bak', '.a.bin.json']) {
      expect(isEngineFileName(name)).toBe(false);
    }
  });

  it('reads the writer of a temporary, and only of a temporary', () => {
    const temporary = basename(temporaryPathFor(TARGET, 4242));
    expect(temporaryFileOwner(temporary)).toBe(4242);
    expect(isTemporaryFileOf(TARGET, 4242, temporary)).toBe(true);
    expect(isTemporaryFileOf(TARGET, 4243, temporary)).toBe(false);
    expect(isTemporaryFileOf('/downloads/host/big', 4242, temporary)).toBe(false);
    for (const name of engineNames(TARGET).slice(1)) expect(temporaryFileOwner(name)).toBeNull();
  });

  it('reads the writer of every name that lives only while its writer runs: the temporary and the claim\'s transients, not the part, record or lock', () => {
    const { part, record } = partialPaths(TARGET);
    const lock = new PartClaim(part, request).lockPath;
    const owned = [temporaryPathFor(TARGET), claimTemporaryPath(lock), claimAsidePath(lock)].map((path) => basename(path));
    for (const name of owned) expect({ name, owner: transientFileOwner(name) }).toEqual({ name, owner: process.pid });
    for (const name of [part, record, lock].map((path) => basename(path))) expect({ name, owner: transientFileOwner(name) }).toEqual({ name, owner: null });
    for (const name of ['big.bin', '.big.bin.part.lock.12-0123456789ab.bak', '.big.bin.lock.12-0123456789ab']) expect(transientFileOwner(name)).toBeNull();
  });
});
