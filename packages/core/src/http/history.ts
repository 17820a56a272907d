/**
 * requests gives every redirect response in `history` the history before it:
 * `r.history[i].history == r.history[:i]`. Those lists share their responses,
 * and the serializer copies a shared object once per path, so a chain of n
 * redirects would cross a process boundary as 2^n responses. The engine
 * therefore sends each redirect with an empty `history`, and the session links
 * them once the response has arrived, in whichever process asked for it.
 */
import { Response } from './response.js';

/** Gives each of `value.history`'s responses the slice of history before it; anything else is left alone. */
export function linkHistory(value: unknown): void {
  if (!(value instanceof Response) || !Array.isArray(value.history)) return;
  const { history } = value;
  history.forEach((earlier, index) => {
    if (earlier instanceof Response) earlier.history = history.slice(0, index);
  });
}
