/**
 * One jest run for the whole workspace. Tests import the *built* packages
 * (dist), the same files the child processes load, so `instanceof` and module
 * state agree between a test, the coordinator and its workers.
 */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@requests-futures/(core|serializer|worker|cli|testing|distributed)$': '<rootDir>/packages/$1/dist/index.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/examples/*/test/**/*.test.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
