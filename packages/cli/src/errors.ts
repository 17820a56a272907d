/**
 * Errors the CLI raises itself. Each carries the exit code it maps to, so the
 * entry point can turn any of them into a process exit without a lookup table.
 */

/** The command line was wrong (a missing option, a bad number): exit code 2, like getopt tools. */
export class UsageError extends Error {
  readonly exitCode = 2;
  override name = 'UsageError';
}

/** A derived file path would land outside the output directory; sanitization should make this impossible. */
export class PathOutsideDirectoryError extends Error {
  override name = 'PathOutsideDirectoryError';
  constructor(
    readonly relativePath: string,
    readonly directory: string,
  ) {
    super(`Refusing to write ${JSON.stringify(relativePath)}: it resolves outside ${directory}`);
  }
}
