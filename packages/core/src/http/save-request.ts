/**
 * performRequest's saveTo side (request.ts hands a request with `saveTo` to
 * performSaving): the early target check, the part file's claim, a kept
 * target, a resumed part, and the 2xx body written to disk. Imported on first
 * use, so that a pool child serving plain requests never loads it nor the
 * writer, hasher and part-file modules behind it.
 */
import { resolve } from 'node:path';
import { checkContentRange } from './content-range.js';
import { RequestException, type RequestInfo } from './errors.js';
import type { HopResponse } from './send-hop.js';
import { confirmsComplete, digestOfExisting, existingTarget, probeRange } from './kept-target.js';
import { findPartial, forgetPartial, partialPaths, type PartialDownload } from './partial-download.js';
import { PartClaim } from './part-claim.js';
import type { Hop } from './redirects.js';
import { follow, identityLength, type RequestRun, type SaveBody } from './request.js';
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
    const directoryWalked = await checkTargetEarly(spec, saveTo, claim, request);
    const saveBody: SaveBody = (response, answer, partial, userRange, progress) =>
      saveFinalBody(spec, saveTo, response, answer, { partial, userRange, progress, budget: base.budget, claim, directoryWalked });
    const run: RequestRun = { ...base, saveBody };
    // Without resume there is no kept target and no part to resume from.
    return await withRetries(spec.retries, first.method, base.abort, () => (spec.resume ? attemptResuming(spec, saveTo, first, run) : follow(spec, first, run, null)));
  } finally {
    await claim?.release();
  }
}

/**
 * Before anything is sent: a target outside saveWithin or below a symlink
 * fails at once (a resume must not read a part, or keep a file, found through
 * one); with resume the part is claimed when its directory exists, and the
 * claim is held across retries, from before the part is read until the file
 * is in place (otherwise saveBodyTo claims it once it made the directory).
 * True when saveWithin's directory was walked and found in place.
 */
async function checkTargetEarly(spec: RequestSpec, saveTo: string, claim: PartClaim | undefined, request: RequestInfo): Promise<boolean> {
  const directoryExists = spec.saveWithin ? await directoryExistsWithin(resolve(saveTo), spec.saveWithin, request) : true;
  if (claim && directoryExists) await claim.claimIfDirectoryExists();
  return spec.saveWithin !== null && directoryExists;
}

/** With resume: ask only for what an earlier attempt did not get, if the file is unchanged. */
async function resumeFrom(spec: RequestSpec, saveTo: string, hop: Hop): Promise<PartialDownload | null> {
  // Byte offsets of a partial file are offsets of the identity encoding.
  hop.headers.set('Accept-Encoding', 'identity');
  if (hop.headers.has('range')) return null;
  const partial = await findPartial(saveTo);
  if (!partial || partial.url !== spec.url) return null;
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
  const digest = await digestOfExisting(existing, spec.checksum);
  if (digest === null || (spec.expectedSha256 && digest.sha256 !== spec.expectedSha256)) return null;
  response.content = new Uint8Array(0);
  response.savedTo = existing.path;
  response.bytes = existing.size;
  if (digest.sha256 !== undefined) response.sha256 = digest.sha256;
  response.kept = true;
  return response;
}

async function attemptResuming(spec: RequestSpec, saveTo: string, first: Hop, run: RequestRun): Promise<Response> {
  const kept = await keptTarget(spec, saveTo, first, run);
  if (kept) return kept;
  // resumeFrom sets Range and If-Range on this hop's own copy; otherwise nothing writes to a hop's
  // headers (the next hop, a digest answer and what is sent are copies), so the first hop's serve.
  const hop: Hop = { ...first, headers: first.headers.copy() };
  const partial = await resumeFrom(spec, saveTo, hop);
  const response = await follow(spec, hop, run, partial);
  if (partial && response.statusCode === 416) {
    // The server has no bytes past our part: it changed or shrank. Start over, once.
    await forgetPartial(saveTo);
    return follow(spec, { ...first, headers: first.headers.copy() }, run, null);
  }
  return response;
}

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
    declared = { end: length, total: length };
  }
  if (!spec.resume) return declared ? { declared } : {};
  const append = partial !== null && response.statusCode === 206;
  const validator = response.headers.get('etag') ?? response.headers.get('last-modified');
  // A server that ignored If-Range sends the rest of another version: those bytes do not continue the part.
  if (append && validator !== undefined && validator !== partial.validator) {
    throw new RequestException(`The part was of version ${partial.validator} but the server sent the rest of ${validator}: ${request.method} ${request.url}`, { request });
  }
  return { resume: { append, validator, url: spec.url }, ...(declared ? { declared } : {}) };
}
