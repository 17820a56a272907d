/**
 * Preloaded into the pool's child processes (`node --import`). Ctrl-C sends
 * SIGINT to the whole foreground process group, the pool's children
 * included; a child killed by it fails its running fetches (BrokenProcessPool)
 * instead of letting its worker drain them. The worker ends its children
 * itself (tinypool stops them with SIGTERM/SIGKILL), so they ignore SIGINT.
 */
process.on('SIGINT', () => {});

export {};
