/**
 * A scenario for `rf bench --script`: each iteration logs in, then fetches the
 * items with the token the login returned.
 *
 *   rf bench http://127.0.0.1:8080/ --script login-then-items.mjs -c 16 -d 10s
 *   rf bench http://127.0.0.1:8080/ --script login-then-items.mjs -n 4000 --processes 2 --json
 *
 * The default export runs once per iteration, in rf itself or (--processes N)
 * in each pool child, which imports this file on its own: keep state in the
 * module or on the session, never in the shell that started rf. `session` is
 * a FuturesSession (one per process, -c workers); the `name` request option
 * is the line the request is counted on (without one: "METHOD /path").
 * `iteration` is unique over all processes (0..n-1 under -n); `target` is the
 * URL given on the command line. Returning counts the iteration as "ok";
 * throwing counts it under the error's class (HTTPError from raiseForStatus).
 */
export default async function loginThenItems(session, iteration, target) {
  const login = await session.post(new URL('/login', target), { name: 'login', json: { user: `user-${iteration}` } });
  login.raiseForStatus();
  const { token } = login.json();
  const items = await session.get(new URL('/items', target), { name: 'items', headers: { Authorization: `Bearer ${token}` } });
  items.raiseForStatus();
}
