/**
 * An arm written `BUILD::--flag --other-flag`: that build, with those Node/V8
 * flags on its pool's children (execArgv), so a flag can be tried side by side
 * with the same build without it. `BUILD` alone: no flags of ours.
 */
export function splitArm(arm) {
  const at = arm.indexOf('::');
  if (at < 0) return [arm, []];
  return [arm.slice(0, at), arm.slice(at + 2).split(' ').filter(Boolean)];
}
