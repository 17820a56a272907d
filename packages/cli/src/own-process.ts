/**
 * Whether this process runs nothing but rf (the `rf` executable), or rf runs
 * inside someone else's process (runCli from a test or a service). Settings
 * that belong to the whole process, such as V8's heap policy, are rf's to
 * choose only in the first case.
 */
let owned = false;

/** Called by the `rf` executable before it runs the CLI. */
export function claimProcess(): void {
  owned = true;
}

export function ownsProcess(): boolean {
  return owned;
}
