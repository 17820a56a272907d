/**
 * What the engine imports on first use rather than with the package (got, the
 * in-process request engine): once loaded, it is at hand synchronously, so the
 * requests after the first call into it without an await of their own; a load
 * that failed (a broken install) is tried again by the next caller rather than
 * cached.
 */
export class LoadedOnce<T> {
  private loadedValue: T | undefined;
  private loading: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  /** The value, once a load has finished; undefined before. */
  get value(): T | undefined {
    return this.loadedValue;
  }

  /** The value, loading it on the first call (or the first after a failed load). */
  get(): Promise<T> {
    this.loading ??= this.load().then(
      (value) => (this.loadedValue = value),
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }
}
