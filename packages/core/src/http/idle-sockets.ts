/**
 * Keep-alive sockets that are closed after some idle time, timed only while
 * they are idle.
 *
 * Node's `timeout` agent option closes idle sockets too, but it also keeps the
 * timer running while a socket serves a request, and every ClientRequest on
 * such an agent listens for its socket's 'timeout' and stops listening when
 * its response ends (listenSocketTimeout in node:_http_client): on small GETs
 * that was 7-10 % of a warm pool child's CPU, for a timer that does nothing
 * while a request runs (the agent destroys only free sockets when it fires;
 * a request's own timeouts are got's, timed-out.js).
 *
 * Node's keepSocketAlive still sets the idle timer, so that a server's
 * `Keep-Alive: timeout=N` shortens it as it would: it reads the agent's
 * `options.timeout`, which is therefore set for that call alone.
 */
import type { Agent as HttpAgent, ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** `agent`, its free sockets closed once idle for `idleMs` (it must be made without a `timeout` option). */
export function closeIdleSocketsAfter<A extends HttpAgent>(agent: A, idleMs: number): A {
  // Not in @types/node, but public: the options the agent was made with.
  const options = (agent as unknown as { options: { timeout?: number | undefined } }).options;
  const keepSocketAlive = agent.keepSocketAlive;
  const reuseSocket = agent.reuseSocket;
  agent.keepSocketAlive = function (this: A, socket: Duplex) {
    options.timeout = idleMs;
    try {
      return keepSocketAlive.call(this, socket);
    } finally {
      // Undefined reads as no timeout everywhere node:http looks (`options.timeout || 0`, a truthiness test).
      options.timeout = undefined;
    }
  };
  agent.reuseSocket = function (this: A, socket: Duplex, request: ClientRequest) {
    reuseSocket.call(this, socket, request);
    (socket as Socket).setTimeout(0);
  };
  return agent;
}
