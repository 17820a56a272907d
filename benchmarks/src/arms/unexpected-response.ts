/** A benchmark request got an answer that means the figure would be meaningless. */
export class UnexpectedResponseError extends Error {
  constructor(arm: string, url: string, detail: string) {
    super(`${arm}: ${url} answered ${detail}`);
    this.name = 'UnexpectedResponseError';
  }
}
