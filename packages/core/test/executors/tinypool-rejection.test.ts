import { describe, expect, it } from '@jest/globals';
import { isChildLoss } from '../../dist/executors/tinypool-rejection.js';

/** An error as Node raises it for a write to a child whose pipe has closed. */
function errno(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isChildLoss', () => {
  it("counts tinypool's lost-child messages and a closed IPC channel as the child going away", () => {
    expect(isChildLoss(new Error('Worker exited unexpectedly'))).toBe(true);
    expect(isChildLoss(new Error('Terminating worker thread'))).toBe(true);
    expect(isChildLoss(errno('EPIPE', 'write EPIPE'))).toBe(true);
    expect(isChildLoss(errno('ERR_IPC_CHANNEL_CLOSED', 'Channel closed'))).toBe(true);
    // From another realm: a plain object with the same shape.
    expect(isChildLoss({ message: 'Worker exited unexpectedly' })).toBe(true);
  });

  it("does not take a task's own failure for a lost child", () => {
    expect(isChildLoss(new Error('Worker exited'))).toBe(false);
    expect(isChildLoss(errno('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'))).toBe(false);
    expect(isChildLoss(new TypeError('boom'))).toBe(false);
    expect(isChildLoss(null)).toBe(false);
    expect(isChildLoss('EPIPE')).toBe(false);
  });
});
