/**
 * performRequest's saveTo side (request.ts hands a request with `saveTo` to
 * performSaving): the early target check, the part file's claim, a kept
 * target, a resumed part, and the 2xx body written to disk. Imported on first
 * use, so that a pool child serving plain requests never loads it nor the
 * writer, hasher and part-file modules behind it.
 */
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DECODED_CODINGS, identityLength, isIdentityCoded, undecodedCoding } from './content-coding.js';
import { checkContentRange, totalOfWholeResponse } from './content-range.js';
import { ContentDecodingError, PartFileBusy, RequestException, type RequestInfo } from './errors.js';
import type { HopResponse } from './send-hop.js';
import { confirmsComplete, digestOfExisting, existingTarget, probeRange } from './kept-target.js';
import { findPartial, forgetPartial, partialPaths, type PartialDownload } from './partial-download.js';
import { PartClaim } from './part-claim.js';
import type { Hop } from './redirects.js';
import { follow, type RequestRun, type SaveBody } from './request.js';
import type { RequestSpec } from './request-spec.js';
import type { Response } from './response.js';
import { withRetries } from './retry.js';
import { saveBodyTo, type DeclaredLength, type ResumeWrite } from './save-to.js';
import { directoryExistsWithin } from './save-within.js';

/** What follows the first hop for a request with saveTo: retries, each one resumed when asked, with the part claimed across them. */
export async function performSaving(spec: RequestSpec, saveTo: string, first: Hop, base: RequestRun): Promise<Response> {
  const request = { method: first.method, url: first.url };
  const claim = spec.resume ? new PartClaim(partialPaths(saveTo).part, request) : undefined;
  try {
    const directoryWalked = await checkTargetEarly(spec, saveTo, request);
    const saveBody: SaveBody = (response, answer, partial, userRange, progress) =>
      saveFinalBody(spec, saveTo, response, answer, { partial, userRange, progress, budget: base.budget, claim, directoryWalked });
    const run: RequestRun = { ...base, saveBody };
    // Without resume there is no kept target and no part to resume from.
    return await withRetries(spec.retries, first.method, base.abort, () => (claim ? attemptResuming(spec, saveTo, first, run, claim) : follow(spec, first, run, null)));
  } finally {
    await claim?.release();
  }
}

/**
 * Before anything is sent: a target outside saveWithin or below a symlink
 * fails at once (a resume must not read a part, or keep a file, found through
 * one). True when saveWithin's directory was walked and found in place.
 */
async function checkTargetEarly(spec: RequestSpec, saveTo: string, request: RequestInfo): Promise<boolean> {
  const directoryExists = spec.saveWithin ? await directoryExistsWithin(resolve(saveTo), spec.saveWithin, request) : true;
  return spec.saveWithin !== null && directoryExists;
}

/**
 * A part, or a claim on one, beside the target: claimed before the part is
 * read or replaced, and held across retries until the file is in place
 * (PartFileBusy while a live owner holds it). With neither, nothing is claimed
 * yet: a body the server declares within 64 KiB is saved as without resume
 * (no part is ever written, so there is none to guard), and any other claims
 * the part as it creates it (saveBodyTo). Two lstats where a claim and its
 * release cost nine file operations: --resume over thousands of small files
 * runs as fast as without it.
 */
async function claimFoundPart(claim: PartClaim): Promise<boolean> {
  if (claim.held) return true;
  const found = await Promise.all([lstat(claim.partPath), lstat(claim.lockPath)].map((checked) => checked.then(() => true, () => false)));
  if (!found.includes(true)) return false;
  await claim.claimIfDirectoryExists();
  return claim.held;
}

/** A claim refused because a live writer holds the part: false (nothing of theirs is touched); any other error goes on. */
function keepBusy(error: unknown): false {
  if (error instanceof PartFileBusy) return false;
  throw error;
}

/** With resume: ask only for what an earlier attempt did not get, if the file is unchanged. */
async function resumeFrom(spec: RequestSpec, saveTo: string, hop: Hop, partFound: boolean): Promise<PartialDownload | null> {
  // Byte offsets of a partial file are offsets of the identity encoding (a part may yet be written).
  hop.headers.set('Accept-Encoding', 'identity');
  if (!partFound || hop.headers.has('range')) return null;
  const partial = await findPartial(saveTo);
  // A weak ETag (recorded by an earlier version) may not be sent as If-Range.
  if (!partial || partial.url !== spec.url || isWeakEntityTag(partial.validator)) return null;
  hop.headers.set('Range', `bytes=${partial.bytes}-`);
  hop.headers.set('If-Range', partial.validator);
  return partial;
}

/**
 * resume on a target that exists: the complete file is kept (see kept-target.ts),
 * described by the probe's response; null means download it again.
 */
async function keptTarget(spec: RequestSpec, saveTo: string, first: Hop, run: RequestRun): Promise<Response | null> {
  if (first.method !== 'GET' || first.headers.has('range')) return null;
  const existing = await existingTarget(saveTo);
  if (existing === null) return null;
  const hop: Hop = { ...first, headers: first.headers.copy() };
  hop.headers.set('Accept-Encoding', 'identity');
  hop.headers.set('Range', probeRange(existing));
  const response = await follow(spec, hop, run, null, 'probe');
  if (response.content.length !== 1 || !confirmsComplete(response.statusCode, response.headers.get('content-range'), existing)) return null;
  const digest = await digestOfExisting(existing, spec.checksum, response.content[0]!);
  if (digest === null || (spec.expectedSha256 && digest.sha256 !== spec.expectedSha256)) return null;
  response.content = new Uint8Array(0);
  response.savedTo = existing.path;
  response.bytes = existing.size;
  if (digest.sha256 !== undefined) response.sha256 = digest.sha256;
  response.kept = true;
  return response;
}

async function attemptResuming(spec: RequestSpec, saveTo: string, first: Hop, run: RequestRun, claim: PartClaim): Promise<Response> {
  const kept = await keptTarget(spec, saveTo, first, run);
  if (kept) {
    // A part beside a complete file is dead weight nobody would resume: left by a writer killed between its rename and
    // forgetPartial, or by a killed attempt before a run without resume fetched the file whole. Only under the claim:
    // a part a live writer holds (PartFileBusy) is its own. A failure to remove is ignored: the file is right, the next run tries again.
    if (await claimFoundPart(claim).catch(keepBusy)) await forgetPartial(saveTo).catch(() => undefined);
    return kept;
  }
  const partFound = await claimFoundPart(claim);
  // resumeFrom sets Range and If-Range on this hop's own copy; otherwise nothing writes to a hop's
  // headers (the next hop, a digest answer and what is sent are copies), so the first hop's serve.
  const hop: Hop = { ...first, headers: first.headers.copy() };
  const partial = await resumeFrom(spec, saveTo, hop, partFound);
  const startOver = () => follow(spec, { ...first, headers: first.headers.copy() }, run, null);
  let response: Response;
  try {
    response = await follow(spec, hop, run, partial);
  } catch (error) {
    // The rest of another version (the server ignored If-Range): the file changed, so it starts over, once (the part is gone).
    if (error instanceof RestOfAnotherVersion) return startOver();
    throw error;
  }
  if (partial && response.statusCode === 416) {
    // The server has no bytes past our part: it changed or shrank. Start over, once.
    await forgetPartial(saveTo);
    return startOver();
  }
  return response;
}

/** A 206 to a resume that cannot continue the part: never leaves attemptResuming, which starts over. */
class RestOfAnotherVersion extends RequestException {}

interface FinalBodyContext {
  partial: PartialDownload | null;
  /** The caller sent a Range of their own: they asked for a slice, whose length is not checked against the resource's. */
  userRange: boolean;
  progress: ((bytes: number) => void) | undefined;
  budget: RequestRun['budget'];
  claim: PartClaim | undefined;
  directoryWalked: boolean;
}

/** A 2xx final body, saved to the target; what was saved (savedTo, bytes, sha256, …) goes onto the response. */
async function saveFinalBody(spec: RequestSpec, saveTo: string, response: Response, answer: HopResponse, context: FinalBodyContext): Promise<void> {
  const coding = undecodedCoding(response.headers.get('content-encoding'));
  if (coding !== undefined) {
    // Says nothing of a part's bytes: the part stays.
    answer.body.destroy();
    const request = { method: response.request.method, url: response.url };
    throw new ContentDecodingError(`Content-Encoding '${coding}' is not one the engine decodes (${DECODED_CODINGS.join(', ')}): the body would be saved still encoded: ${request.method} ${request.url}`, { request });
  }
  let plan: SavePlan;
  try {
    plan = savePlan(spec, response, context.partial, context.userRange);
  } catch (error) {
    answer.body.destroy();
    if (spec.resume) await forgetPartial(saveTo);
    throw error;
  }
  const saved = await saveBodyTo(answer.body, saveTo, {
    maxBytes: spec.maxResponseBytes,
    request: { method: response.request.method, url: response.url },
    progress: context.progress,
    budget: context.budget,
    checksum: spec.checksum,
    expectedSha256: spec.expectedSha256,
    within: spec.saveWithin,
    directoryWalked: context.directoryWalked,
    ...plan,
    ...(context.claim ? { claim: context.claim } : {}),
  });
  Object.assign(response, saved);
}

interface SavePlan {
  resume?: ResumeWrite;
  declared?: DeclaredLength;
}

/**
 * How a 2xx body is saved: appended to the part or not, and the length the
 * file must reach. A 206 is checked against what was asked (content-range.ts),
 * unless the caller sent a Range of their own (`userRange`: they asked for a slice).
 */
function savePlan(spec: RequestSpec, response: Response, partial: PartialDownload | null, userRange: boolean): SavePlan {
  const request = { method: response.request.method, url: response.url };
  let declared: DeclaredLength | undefined;
  if (userRange) declared = undefined;
  else if (response.statusCode === 206) {
    const { range, total } = checkContentRange(response.headers.get('content-range'), { start: partial?.bytes ?? 0, total: partial?.total }, request);
    declared = { end: range.end + 1, total };
  } else {
    const length = identityLength(response);
    const stated = totalOfWholeResponse(response.statusCode, response.headers.get('content-range'), request);
    // Content-Range counts the bytes as sent: under a Content-Encoding its total is not the saved file's size.
    declared = { end: length, total: (isIdentityCoded(response) ? stated : undefined) ?? length };
  }
  if (!spec.resume) return declared ? { declared } : {};
  const append = partial !== null && response.statusCode === 206;
  const validator = resumeValidator(response);
  if (partial !== null) checkAgainstPart(partial, response.statusCode, validator, declared, request);
  // A 206 that leaves Last-Modified out (checkAgainstPart let it continue a part kept by date) continues that version:
  // the part stays keepable under its date, instead of being dropped, earlier runs' bytes too, if this transfer breaks off.
  const partValidator = validator ?? (append ? partial.validator : undefined);
  return { resume: { append, validator: partValidator, url: spec.url }, ...(declared ? { declared } : {}) };
}

/**
 * An answer to a resume that a lying server gave, refused: a 206 that is not
 * the rest of the part's version, or a 200 of that very version whose size is
 * not the one it had (the rest, labelled as the whole).
 */
function checkAgainstPart(partial: PartialDownload, statusCode: number, validator: string | undefined, declared: DeclaredLength | undefined, request: RequestInfo): void {
  const where = `${request.method} ${request.url}`;
  if (statusCode === 206) {
    // A server that ignored If-Range sends the rest of another version: those bytes do not continue the part.
    if (validator !== undefined && validator !== partial.validator) {
      throw new RestOfAnotherVersion(`The part was of version ${partial.validator} but the server sent the rest of ${validator}: ${where}`, { request });
    }
    // A 206 must carry the ETag a 200 would (RFC 9110 15.3.7), so one without it cannot be told from a server
    // that ignored If-Range; a 206 may leave out Last-Modified, so a part kept by date is continued.
    if (validator === undefined && isEntityTag(partial.validator)) {
      throw new RestOfAnotherVersion(`The part was of version ${partial.validator} but the server's 206 names no ETag: its bytes may be of another version: ${where}`, { request });
    }
    return;
  }
  // A strong ETag names one sequence of bytes: the same version cannot have another size.
  const total = declared?.total;
  if (validator === partial.validator && validator.startsWith('"') && partial.total !== undefined && total !== undefined && total !== partial.total) {
    throw new RequestException(`A ${statusCode} of version ${validator} holds ${total} bytes, but that version had ${partial.total}: ${where}`, { request });
  }
}

/**
 * What a part is kept under and later sent as If-Range: a strong ETag, else
 * Last-Modified. A weak ETag may not be sent as If-Range (RFC 9110 13.1.5: it
 * says the bytes are equivalent, not the same), so with nothing else a part is
 * not kept.
 */
function resumeValidator(response: Response): string | undefined {
  const etag = response.headers.get('etag');
  return etag !== undefined && !isWeakEntityTag(etag) ? etag : response.headers.get('last-modified');
}

function isWeakEntityTag(validator: string): boolean {
  return validator.startsWith('W/');
}

/** `"…"` or `W/"…"`, as opposed to a Last-Modified date. */
function isEntityTag(validator: string): boolean {
  return validator.startsWith('"') || validator.startsWith('W/"');
}
