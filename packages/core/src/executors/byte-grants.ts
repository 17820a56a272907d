/**
 * The coordinator's side of `maxBytesPerSecond` across processes: each
 * child asks for bytes (`bytes-wanted`, byte-allowance.ts in the worker),
 * the shared TokenBucket pays, and the child gets a `grant` once paid.
 * What a child asked for and had not been granted when it died goes back to
 * the bucket, so a dead child never holds the others back; an idle child
 * returns its unspent balance itself (`bytes-returned`).
 */
import type { ControlMessage } from '@requests-futures/worker';
import type { TokenBucket } from './token-bucket.js';

/** The child's end of the grant: its control lane. */
export interface GrantReceiver {
  readonly pid: number;
  send(message: ControlMessage): void;
}

/**
 * Bytes a child asks for at a time, beyond its debt: 64 KiB, or 1/50 s of
 * rate when that is more, so a fast limit costs at most about 50 requests a
 * second per child, and the bytes one child holds unspent stay small.
 */
export function grantBatchBytes(bytesPerSecond: number): number {
  return Math.max(64 * 1024, Math.round(bytesPerSecond / 50));
}

export class ByteGrants {
  /** Bytes each child asked for and is still waiting for, by pid. */
  private readonly owed = new Map<number, number>();

  constructor(private readonly bucket: TokenBucket) {}

  ask(child: GrantReceiver, bytes: number): void {
    this.owed.set(child.pid, (this.owed.get(child.pid) ?? 0) + bytes);
    const deliver = (): void => {
      const owed = this.owed.get(child.pid);
      // The child died meanwhile: forget() refunded these bytes.
      if (owed === undefined) return;
      if (owed === bytes) this.owed.delete(child.pid);
      else this.owed.set(child.pid, owed - bytes);
      child.send({ __rf: 'grant', bytes });
    };
    const paid = this.bucket.spend(bytes);
    if (paid === undefined) deliver();
    else void paid.then(deliver);
  }

  /** A child had no task left: what it held unspent goes back to the bucket. */
  giveBack(bytes: number): void {
    this.bucket.refund(bytes);
  }

  /** The child is gone: what it was still owed is refunded. */
  forget(pid: number): void {
    const owed = this.owed.get(pid);
    if (owed === undefined) return;
    this.owed.delete(pid);
    this.bucket.refund(owed);
  }
}
