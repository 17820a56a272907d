import { randomBytes } from 'node:crypto';

/**
 * Job ids are `<executor id>-<n>`: unique across coordinators sharing a queue,
 * never integer-like and without ':' (BullMQ refuses both for custom ids).
 */
export function newExecutorId(): string {
  return `rf${randomBytes(6).toString('hex')}`;
}
