import { describe, expect, it } from '@jest/globals';
import { isClosedChannel } from '../../dist/executors/closed-channel.js';

/** An error as Node raises it for a write to a child whose pipe has closed. */
function errno(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isClosedChannel', () => {
  it('counts the errors of a write to a closed IPC channel as the child going away', () => {
    expect(isClosedChannel(errno('EPIPE', 'write EPIPE'))).toBe(true);
    expect(isClosedChannel(errno('ECONNRESET', 'read ECONNRESET'))).toBe(true);
    expect(isClosedChannel(errno('ERR_IPC_CHANNEL_CLOSED', 'Channel closed'))).toBe(true);
    expect(isClosedChannel(errno('ERR_IPC_DISCONNECTED', 'IPC channel is already disconnected'))).toBe(true);
    // By its code: any object carrying it.
    expect(isClosedChannel({ code: 'EPIPE', message: 'write EPIPE' })).toBe(true);
  });

  it("does not take another failure for a lost child", () => {
    expect(isClosedChannel(new Error('Worker exited'))).toBe(false);
    expect(isClosedChannel(errno('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'))).toBe(false);
    expect(isClosedChannel(new TypeError('boom'))).toBe(false);
    expect(isClosedChannel(null)).toBe(false);
    expect(isClosedChannel('EPIPE')).toBe(false);
  });
});
