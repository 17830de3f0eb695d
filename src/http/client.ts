// Who is asking: the client's address as the socket sees it, and its MAC where the kernel knows it.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { normaliseIp } from '../domain/subnets';
import type { ClientAddress } from '../sessions/session-types';
import type { NeighbourTable } from '../firewall/neighbours';
import { cryptoRandom, type RandomSource } from '../privacy/random';

/**
 * Finds the client of a request. Tests inject one that reads a test header. `fresh` is asked for
 * where a session is about to be granted: a neighbour-table miss is re-read first.
 */
export type ClientResolver = (req: IncomingMessage, opts?: { fresh?: boolean }) => ClientAddress;

/** The socket's remote address is the only source trusted: no X-Forwarded-For on a captive LAN. */
export function socketClientResolver(neighbours?: NeighbourTable): ClientResolver {
  return (req, opts) => {
    const ip = normaliseIp(req.socket.remoteAddress ?? '0.0.0.0');
    const mac = neighbours?.lookup(ip, opts);
    return mac ? { ip, mac } : { ip };
  };
}

/** Only for tests and benchmarks: the client address comes from the X-Test-Client header. */
export function headerClientResolver(fallback: ClientResolver = socketClientResolver()): ClientResolver {
  return (req, opts) => {
    const h = req.headers['x-test-client'];
    if (typeof h !== 'string') return fallback(req, opts);
    const [ip, mac] = h.split(',').map((s) => s.trim());
    return mac ? { ip: ip!, mac } : { ip: ip! };
  };
}

/**
 * A limiter key for a request's source address: an HMAC of the address under `key` (by default
 * random from `random`, held only in this process's memory), so a limiter's memory holds no raw address.
 */
export function addressKeyer(resolveClient: ClientResolver, key: crypto.BinaryLike | RandomSource = cryptoRandom): (req: IncomingMessage) => string {
  const secret = typeof key === 'object' && 'bytes' in key ? key.bytes(32) : key;
  return (req) => crypto.createHmac('sha256', secret).update(resolveClient(req).ip).digest('base64url');
}
