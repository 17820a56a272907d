/**
 * Loaded by the test command (`node --require ./jest/hold-early-ipc.cjs ...
 * jest`), so that every process jest-light-runner forks loads it first.
 *
 * jest-light-runner runs test files in processes forked by tinypool 0.8's
 * child_process runtime. The pool sends each new process a handshake at once,
 * but the process attaches its 'message' listener only after its ES modules
 * have loaded, and Node drops a message that arrives before there is a
 * listener: the handshake was lost now and then (1 run in 12 of three small
 * test files, more under load), and jest then waited for that process
 * forever. Here, before any module loads, messages are held until the first
 * listener is attached, then handed to it in order.
 *
 * Second, the runner hands its configuration out through one channel shared
 * by all its processes: when one process asks for it, every process that has
 * been given a test and not yet served is sent a copy, and forgotten. A
 * process sent its copy before it asked (still loading the runner) dropped
 * it, then asked, and no answer came: jest again waited forever. Here a copy
 * that arrives early is kept and handed back when the process asks.
 *
 * In any other process this does nothing, and a runner process does not pass
 * it on to the processes its tests start.
 */
'use strict';

const RUNNER_ENTRY = /[\\/]tinypool[\\/]dist[\\/]esm[\\/]entry[\\/]process\.js$/;

if (RUNNER_ENTRY.test(process.argv[1] ?? '')) {
  const at = process.execArgv.findIndex((arg, i) => arg === '--require' && /hold-early-ipc\.cjs$/.test(process.execArgv[i + 1] ?? ''));
  if (at >= 0) process.execArgv.splice(at, 2);
  if (typeof process.send === 'function') {
    // Its listener first: holdUntilListened waits for the next one, the runner's.
    answerFromKeptConfiguration();
    holdUntilListened();
  }
}

function holdUntilListened() {
  const held = [];
  const hold = (message, handle) => held.push([message, handle]);
  const onNewListener = (event, listener) => {
    if (event !== 'message' || listener === hold) return;
    process.off('newListener', onNewListener);
    process.off('message', hold);
    const early = held.splice(0);
    // After the listener is attached (it is, once this event returns), before the next message can arrive.
    process.nextTick(() => {
      for (const [message, handle] of early) process.emit('message', message, handle);
    });
  };
  process.on('newListener', onNewListener);
  process.on('message', hold);
}

function answerFromKeptConfiguration() {
  let kept;
  process.on('message', (message) => {
    if (message?.type === 'jest-light-runner-worker-data') kept = message;
  });
  const send = process.send.bind(process);
  process.send = (message, ...rest) => {
    // Answered by the runner too when it still knows this process; the second answer finds no listener.
    if (message === 'jest-light-runner-get-worker-data' && kept !== undefined) {
      const answer = kept;
      process.nextTick(() => process.emit('message', answer));
    }
    return send(message, ...rest);
  };
}
