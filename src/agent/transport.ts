// How the agent talks to the server: JSON over HTTPS with the certificate always verified
// (against the system's CAs, or a CA file the library gives). Certificate errors are never
// ignored; plain HTTP is possible only when the configuration allows it, for development.
import http from 'node:http';
import https from 'node:https';

/** An answer from the server: any HTTP status, with its JSON body (undefined if none or not JSON). */
export interface AgentResponse {
  status: number;
  body: unknown;
}

/** The agent's HTTP client; tests give their own. */
export interface AgentHttp {
  /** Resolves for any HTTP answer; rejects on network, TLS or timeout errors. */
  request(method: 'GET' | 'POST', path: string, opts?: { body?: unknown; token?: string }): Promise<AgentResponse>;
  /** Closes kept-alive connections. */
  close(): void;
}

export interface TransportOptions {
  /** The server's base URL. */
  server: string;
  /** PEM text of the CA to trust for the server's certificate (instead of the system's). */
  ca?: string | Buffer;
  allowHttp?: boolean;
  timeoutMs?: number;
  userAgent?: string;
  /** The local address requests are sent from (default: the system's choice). */
  localAddress?: string;
}

/** Answers larger than this are cut off: the server never sends anything near it. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export function nodeHttp(opts: TransportOptions): AgentHttp {
  const base = new URL(opts.server);
  const secure = base.protocol === 'https:';
  if (!secure && !(base.protocol === 'http:' && opts.allowHttp)) {
    throw new Error(`the server URL must start with https:// (got ${base.protocol}//): the token must not cross the network in clear`);
  }
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // Certificate verification stays on: rejectUnauthorized is never set to false.
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 2, ...(opts.ca !== undefined && { ca: opts.ca }) })
    : new http.Agent({ keepAlive: true, maxSockets: 2 });
  const send = secure ? https.request : http.request;
  const prefix = base.pathname.replace(/\/+$/, '');
  // An IPv6 literal keeps its brackets in URL.hostname ("[::1]"); the socket wants the bare address.
  const hostname = base.hostname.replace(/^\[(.*)\]$/, '$1');

  return {
    request(method, path, { body, token } = {}) {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: http.OutgoingHttpHeaders = { Accept: 'application/json', 'User-Agent': opts.userAgent ?? 'threshold-agent' };
      if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': payload.length });
      if (token) headers.Authorization = `Bearer ${token}`;
      return new Promise<AgentResponse>((resolve, reject) => {
        const req = send({ protocol: base.protocol, hostname, port: base.port, path: prefix + path, method, headers, agent, timeout: timeoutMs, ...(opts.localAddress !== undefined && { localAddress: opts.localAddress }) }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new Error('the server\'s answer is too large'));
            else chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseJson(Buffer.concat(chunks)) }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`no answer from ${base.host} within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}
