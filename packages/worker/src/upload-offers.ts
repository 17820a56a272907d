/**
 * The coordinator's streamed request bodies, offered to whichever child runs
 * the request: `offerUpload` files a body under a token (the UploadRef the
 * task carries instead of the stream), and the executor's UploadSenders opens
 * it when a child asks (`upload-open`). Nothing is read before that: the
 * source is pulled lazily, at the pace of the child's credit.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { UploadRef } from './upload-ref.js';

interface Offer {
  readonly open: () => Readable;
  readonly rereadable: boolean;
}

const offers = new Map<string, Offer>();
/** Unique among this coordinator's offers, and not guessable by a task that did not get the ref. */
const prefix = randomBytes(6).toString('hex');
let nextOffer = 1;

export interface UploadSource {
  /** Opens the body from its start; called once per send (a redirect or retry may send a rereadable body again). */
  open: () => Readable;
  length?: number | undefined;
  rereadable: boolean;
  what: string;
}

/** Files `source` for a child to pull; withdraw it once the task is settled. */
export function offerUpload(source: UploadSource): UploadRef {
  const token = `${prefix}-${nextOffer++}`;
  offers.set(token, { open: source.open, rereadable: source.rereadable });
  return new UploadRef(token, source.length ?? null, source.rereadable, source.what);
}

/** The task is settled: no child will ask for this body any more (one already sending carries on until it is cancelled or ends). */
export function withdrawUpload(ref: UploadRef): void {
  offers.delete(ref.token);
}

/** The body's stream from its start, or undefined when it was withdrawn or (read once) already taken. */
export function openOffer(token: string): Readable | undefined {
  const offer = offers.get(token);
  if (offer === undefined) return undefined;
  if (!offer.rereadable) offers.delete(token);
  return offer.open();
}

/** Offers not withdrawn yet (tests prove none is left behind). */
export function pendingUploadOffers(): number {
  return offers.size;
}
