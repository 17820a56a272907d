/**
 * Preloaded (`--require`, ahead of the pool's other flags) into every pool
 * child, so that tinypool's handshake reaches tinypool whatever else the child
 * preloads.
 *
 * tinypool sends a new child its handshake at once, and its child entry, an
 * ES module, listens only once it has loaded. Node keeps IPC messages until
 * the first 'message' listener exists, which makes that safe by default. But
 * a preload that listens (an APM agent in NODE_OPTIONS, a user's
 * `--require`, inherited from the coordinator's own flags) is that first
 * listener: Node handed it the handshake, tinypool never saw it, the child
 * never loaded the worker entry, and the pool waited for it forever.
 *
 * Here every message that arrives before tinypool listens is kept, and handed
 * to tinypool's listener, in order, once it is attached. tinypool's entry sets
 * `process.__tinypool_state__` just before it listens: that is how its
 * listener is told from a preload's. A process that is not a pool child
 * (a task's own `node` child inheriting these flags) is left alone: keeping
 * its messages would hand them to nobody.
 */
'use strict';

const TINYPOOL_CHILD_ENTRY = /[\\/]tinypool[\\/]dist[\\/]entry[\\/]process\.js$/;

type MessageListener = (message: unknown, handle: unknown) => void;

function guardHandshake(): void {
  const held: [unknown, unknown][] = [];
  const hold: MessageListener = (message, handle) => {
    held.push([message, handle]);
  };
  const onNewListener = (event: string | symbol, listener: MessageListener): void => {
    if (event !== 'message' || listener === hold || !('__tinypool_state__' in process)) return;
    process.off('newListener', onNewListener);
    process.off('message', hold);
    const early = held.splice(0);
    // After this event returns the listener is attached; the next message cannot come before this tick ends.
    if (early.length > 0) process.nextTick(() => early.forEach(([message, handle]) => listener(message, handle)));
  };
  process.on('message', hold);
  process.on('newListener', onNewListener);
}

if (typeof process.send === 'function' && TINYPOOL_CHILD_ENTRY.test(process.argv[1] ?? '')) {
  // Not passed on: a task's own node children are no pool children.
  const at = process.execArgv.findIndex((flag, i) => flag === '--require' && process.execArgv[i + 1] === __filename);
  if (at >= 0) process.execArgv.splice(at, 2);
  guardHandshake();
}
