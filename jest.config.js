/**
 * One jest run for the whole workspace. Tests import the *built* packages
 * (dist), the same files the child processes load.
 *
 * jest-light-runner runs each test file in a plain Node process (one per jest
 * worker, reused from file to file) rather than in a vm context, so a test,
 * the packages it imports and Node's own objects share one realm, as they do
 * in a user's program: `instanceof Error` holds for an ECONNREFUSED, and a Map
 * that came back through IPC is a Map. jest/one-realm.mjs loads TypeScript and
 * maps imports; jest/globals.mjs serves `@jest/globals` with timeouts.
 */
export default {
  runner: ['jest-light-runner', { runtime: 'child_process' }],
  setupFiles: ['<rootDir>/jest/one-realm.mjs'],
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/examples/*/test/**/*.test.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
