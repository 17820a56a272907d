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

/**
 * The run was interrupted by a signal: the summary and the manifest still come
 * out, and the exit code is the shell's 128 + signal number (SIGINT 130, SIGTERM 143).
 */
export class Interrupted extends Error {
  override name = 'Interrupted';
  readonly exitCode: number;
  constructor(readonly signalName: 'SIGINT' | 'SIGTERM') {
    super(`interrupted (${signalName})`);
    this.exitCode = signalName === 'SIGTERM' ? 143 : EXIT_INTERRUPTED;
  }
}

/** The shell's code for a run ended by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** 130 for SIGINT (or an abort without a reason of ours), 143 for SIGTERM. */
export function interruptedExitCode(signal: AbortSignal): number {
  return signal.reason instanceof Interrupted ? signal.reason.exitCode : EXIT_INTERRUPTED;
}

/**
 * One list entry could not be written where it was to go. The run goes on;
 * the entry fails with one of these subclasses as its typed reason (manifest
 * and summary). `code` is the file system's errno name when one caused it.
 */
export class OutputFileError extends Error {
  override name = 'OutputFileError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
/** A name or path longer than the file system allows (ENAMETOOLONG). */
export class NameTooLong extends OutputFileError {
  override name = 'NameTooLong';
}
/** A directory is needed where something else is (a file `x` where a list needs `x/`: ENOTDIR, EEXIST). */
export class NotADirectory extends OutputFileError {
  override name = 'NotADirectory';
}
/** The file system refused the write (EACCES, EPERM, EROFS). */
export class PermissionDenied extends OutputFileError {
  override name = 'PermissionDenied';
}
/** A download reported complete whose file is not on disk as described (missing, not a regular file, another size). */
export class NotOnDisk extends OutputFileError {
  override name = 'NotOnDisk';
}
