// A throwaway certificate authority and a server certificate for 127.0.0.1, ::1 and localhost (and
// any other names given), made with openssl in a temp directory, so tests run over real, verified HTTPS.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestTls {
  dir: string;
  /** The CA certificate (PEM file) the agent is told to trust. */
  caFile: string;
  certFile: string;
  keyFile: string;
  cleanup(): void;
}

/** @param names more DNS names and IP addresses the server certificate is valid for */
export function makeTestTls(names: readonly string[] = []): TestTls {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-tls-'));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl is missing: install it with "apt-get install -y openssl"', { cause: err });
      throw err;
    }
  };
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=Threshold test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost',
    '-keyout', f('server.key'), '-out', f('server.csr'));
  const more = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`));
  fs.writeFileSync(f('san.ext'), `subjectAltName=${['IP:127.0.0.1', 'IP:::1', 'DNS:localhost', ...more].join(',')}\n`);
  openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', f('san.ext'), '-out', f('server.pem'));
  return {
    dir,
    caFile: f('ca.pem'),
    certFile: f('server.pem'),
    keyFile: f('server.key'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
