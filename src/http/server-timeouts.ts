// Timeouts for every listener, suited to a captive LAN: pages and forms are small and clients
// are close, so a client that is slow to send its headers or body, or sits on an idle socket,
// is cut off soon rather than holding a connection for Node's default five minutes.
import type http from 'node:http';

/** The knobs, in seconds (the request timeout is the one configured). */
export interface ServerTimeouts {
  /** Time for the whole request, headers and body (requestTimeoutSeconds). */
  requestSeconds: number;
}

/** Headers come in one packet from a client on the LAN; at most this long, and never past the request timeout. */
export const HEADERS_SECONDS = 10;
/** A kept-alive socket with no new request is closed after this long (Node's default, stated). */
export const KEEP_ALIVE_SECONDS = 5;
/** A socket with no traffic at all is closed after the request timeout plus this. */
export const IDLE_MARGIN_SECONDS = 10;
/** How often Node checks the header and request timeouts (its default of 30 s would let them run late). */
const CHECK_EVERY_MS = 1000;

/** Options for http.createServer / https.createServer (merged with the TLS options there). */
export function serverOptions(t: ServerTimeouts): http.ServerOptions {
  return {
    requestTimeout: t.requestSeconds * 1000,
    headersTimeout: Math.min(HEADERS_SECONDS, t.requestSeconds) * 1000,
    keepAliveTimeout: KEEP_ALIVE_SECONDS * 1000,
    connectionsCheckingInterval: CHECK_EVERY_MS,
  };
}

/** Closes sockets that go quiet, in any phase (set on the server once it is created). */
export function applyIdleTimeout<S extends http.Server>(server: S, t: ServerTimeouts): S {
  server.setTimeout((t.requestSeconds + IDLE_MARGIN_SECONDS) * 1000, (socket) => socket.destroy());
  return server;
}
