let warned = false;

/** backgroundCallback is deprecated upstream in favour of hooks: say so once per process. */
export function warnBackgroundCallbackOnce(): void {
  if (warned) return;
  warned = true;
  process.emitWarning('backgroundCallback is deprecated, use hooks: { response: fn } instead', {
    type: 'DeprecationWarning',
    code: 'RF_DEP_BACKGROUND_CALLBACK',
  });
}
