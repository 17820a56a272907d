/**
 * What a task and its reply look like inside BullMQ. BullMQ stores job data
 * and results as JSON (a Buffer becomes `{type, data: [...]}`, BigInt throws),
 * so the serializer's Wire travels as one string: its typed-array buffers as
 * base64, everything else as the codec made it. The job data also names the
 * job format and the engine version, so a worker of another version refuses
 * the job instead of misreading it. A task is an fnRef (requireFnRef), and
 * jobs are named after their executor (newExecutorId).
 */
import { randomBytes } from 'node:crypto';
import { version } from '@requests-futures/core/version';
import { PicklingError, isFnRef, type FnRef, type Wire } from '@requests-futures/serializer';
import type { TaskReply } from '@requests-futures/worker';
import { JobFormatError, VersionMismatch } from './errors.js';

/** Bumped whenever JobData or the reply text changes shape. */
export const JOB_FORMAT = 1;

export interface JobData {
  readonly format: number;
  /** The coordinator's @requests-futures/core version. */
  readonly engine: string;
  /** The encoded TaskPayload ({ fn, args }), as wireToText made it. */
  readonly task: string;
  /** The coordinator judged the task safe to run again after its worker was lost. */
  readonly retryOnLoss: boolean;
}

export function makeJobData(task: Wire, retryOnLoss: boolean): JobData {
  return { format: JOB_FORMAT, engine: version, task: wireToText(task), retryOnLoss };
}

/** Checks the job's shape and versions before anything in it is decoded. */
export function readJobData(data: unknown): JobData {
  if (typeof data !== 'object' || data === null) throw new JobFormatError(`job data must be an object made by DistributedExecutor, got ${data === null ? 'null' : typeof data}`);
  const { format, engine, task, retryOnLoss } = data as Partial<JobData>;
  if (typeof format !== 'number' || typeof engine !== 'string' || typeof task !== 'string' || typeof retryOnLoss !== 'boolean') {
    throw new JobFormatError('job data is not a DistributedExecutor envelope ({ format, engine, task, retryOnLoss })');
  }
  if (format !== JOB_FORMAT || engine !== version) {
    throw new VersionMismatch(
      `the coordinator sent job format ${format} from @requests-futures/core ${engine}; this worker runs format ${JOB_FORMAT} ` +
        `with core ${version}: install the same versions on every machine`,
    );
  }
  return { format, engine, task, retryOnLoss };
}

interface WireText {
  readonly json: unknown;
  readonly meta?: unknown;
  readonly buffers: string[];
}

export function wireToText(wire: Wire): string {
  const text: WireText = {
    json: wire.json,
    ...(wire.meta === undefined ? {} : { meta: wire.meta }),
    buffers: wire.buffers.map((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')),
  };
  return JSON.stringify(text);
}

export function textToWire(text: unknown, what: string): Wire {
  if (typeof text !== 'string') throw new JobFormatError(`${what} must be a string made by DistributedExecutor, got ${text === null ? 'null' : typeof text}`);
  let parsed: Partial<WireText>;
  try {
    parsed = JSON.parse(text) as Partial<WireText>;
  } catch (error) {
    throw new JobFormatError(`${what} is not JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || !('json' in parsed) || !Array.isArray(parsed.buffers) || !parsed.buffers.every((b) => typeof b === 'string')) {
    throw new JobFormatError(`${what} is not an encoded value ({ json, meta?, buffers })`);
  }
  const buffers = parsed.buffers.map((b) => new Uint8Array(Buffer.from(b, 'base64')));
  return parsed.meta === undefined ? { json: parsed.json, buffers } : { json: parsed.json, meta: parsed.meta, buffers };
}

export function replyToText(reply: TaskReply): string {
  return JSON.stringify(reply.ok ? { ok: true, value: wireToText(reply.value) } : { ok: false, error: wireToText(reply.error) });
}

export function textToReply(text: unknown): TaskReply {
  let parsed: { ok?: unknown; value?: unknown; error?: unknown };
  try {
    parsed = JSON.parse(String(text)) as typeof parsed;
  } catch (error) {
    throw new JobFormatError('the job result is not JSON', { cause: error });
  }
  if (parsed?.ok === true) return { ok: true, value: textToWire(parsed.value, 'the job result') };
  if (parsed?.ok === false) return { ok: false, error: textToWire(parsed.error, 'the job error') };
  throw new JobFormatError('the job result is not a DistributedExecutor reply ({ ok, value | error })');
}

/** A task must travel by reference, as on ProcessPoolExecutor (same PicklingError for a plain function). */
export function requireFnRef(fn: unknown): FnRef {
  if (isFnRef(fn)) return fn;
  if (typeof fn === 'function') throw new PicklingError('function', 'fn');
  throw new TypeError(`DistributedExecutor: fn must be an fnRef(moduleUrl, exportName); got ${fn === null ? 'null' : typeof fn}`);
}

/**
 * Job ids are `<executor id>-<n>`: unique across coordinators sharing a queue,
 * never integer-like and without ':' (BullMQ refuses both for custom ids).
 */
export function newExecutorId(): string {
  return `rf${randomBytes(6).toString('hex')}`;
}
