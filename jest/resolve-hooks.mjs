/**
 * Module resolution for test files run by jest-light-runner (see one-realm.mjs):
 * the workspace packages resolve to their built dist, as the child processes
 * load them, and `@jest/globals` to the runner's globals.
 */
const WORKSPACE_PACKAGE = /^@requests-futures\/(core|serializer|worker|cli|testing|distributed)$/;
const ROOT = new URL('../', import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  const workspacePackage = WORKSPACE_PACKAGE.exec(specifier);
  if (workspacePackage !== null) return nextResolve(new URL(`packages/${workspacePackage[1]}/dist/index.js`, ROOT).href, context);
  if (specifier === '@jest/globals') return nextResolve(new URL('jest/globals.mjs', ROOT).href, context);
  return nextResolve(specifier, context);
}
