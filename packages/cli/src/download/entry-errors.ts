/**
 * Per-entry file system failures, named: an errno error (from this process or
 * carried back from a pool child, where only its message may survive) becomes
 * the OutputFileError subclass that says what went wrong, so the manifest and
 * the summary show a typed reason and the run goes on.
 */
import { NameTooLong, NotADirectory, OutputFileError, PermissionDenied } from '../errors.js';

const REASONS: Record<string, new (message: string, code?: string) => OutputFileError> = {
  ENAMETOOLONG: NameTooLong,
  ENOTDIR: NotADirectory,
  EEXIST: NotADirectory,
  EISDIR: NotADirectory,
  EACCES: PermissionDenied,
  EPERM: PermissionDenied,
  EROFS: PermissionDenied,
};

/** The errno name of a file system error: its `code`, or the "ECODE:" its message starts with (after crossing processes). */
export function errnoCodeOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? /^(E[A-Z]+):/.exec(message)?.[1] : undefined;
}

/** A typed OutputFileError for an errno failure about `relativePath`; null when `error` is not one (a network error, say). */
export function classifyFileError(error: unknown, relativePath: string): OutputFileError | null {
  if (error instanceof OutputFileError) return error;
  const code = errnoCodeOf(error);
  if (code === undefined) return null;
  const Reason = REASONS[code] ?? OutputFileError;
  const detail = error instanceof Error ? error.message : String(error);
  return new Reason(`cannot write ${JSON.stringify(relativePath)}: ${detail}`, code);
}
