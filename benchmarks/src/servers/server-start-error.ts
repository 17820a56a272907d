/** A server the suite depends on did not come up; the message says which and why. */
export class ServerStartError extends Error {
  constructor(
    readonly server: string,
    detail: string,
  ) {
    super(`${server} did not start: ${detail}`);
    this.name = 'ServerStartError';
  }
}
