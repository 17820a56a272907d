/**
 * The bare pool: N forked children (bare-child.mjs, serialization 'advanced')
 * each running rf's got, and a coordinator that keeps id -> resolver and hands
 * each GET to the children in turn. No engine, no serializer, no tinypool: the
 * floor a got-running process pool starts from here (issue #14's targets).
 *
 *   const pool = await openBarePool({ workers: 2, execArgv: [] });
 *   const { statusCode, headers, body } = await pool.get(url);
 *   await pool.close(); // every child has exited when this resolves
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./bare-child.mjs', import.meta.url));
/** The pool's own default flag for its children (process-pool-options.ts YOUNG_GENERATION_FLAG), so the floor runs as the pool's children do. */
const POOL_DEFAULT_FLAGS = ['--max-semi-space-size=32'];

export async function openBarePool({ workers = 2, execArgv = [] } = {}) {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`openBarePool: workers must be an integer >= 1, got ${workers}`);
  const pending = new Map();
  let nextId = 0;
  let turn = 0;
  const children = Array.from({ length: workers }, () => fork(CHILD, [], { serialization: 'advanced', execArgv: [...POOL_DEFAULT_FLAGS, ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const exits = children.map((child) => once(child, 'exit'));
  const failAll = (reason) => {
    for (const { reject } of pending.values()) reject(reason);
    pending.clear();
  };
  for (const child of children) {
    child.on('message', (message) => {
      if (message === 'ready') return;
      const waiter = pending.get(message.id);
      if (waiter === undefined) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`bare child: ${message.error}`));
      else waiter.resolve(message);
    });
    // A child that dies leaves its GETs unanswered: fail them all rather than hang.
    child.once('exit', (code, signal) => failAll(new Error(`bare child ${child.pid} exited (${signal ?? code}) with GETs in flight`)));
  }
  await Promise.all(children.map((child) => Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => { throw new Error(`bare child ${child.pid} exited (${code}) before it was ready`); }),
  ])));
  return {
    pids: children.map((child) => child.pid),
    get(url) {
      const id = nextId++;
      const child = children[turn];
      turn = (turn + 1) % children.length;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, url });
      });
    },
    async close() {
      for (const child of children) if (child.connected) child.disconnect();
      await Promise.all(exits);
    },
  };
}
