// `threshold agent enroll`: exchanges a one-time code for the workstation's token and writes the
// agent's configuration, owner-only. Hooks already in the file are kept.
import fs from 'node:fs';
import path from 'node:path';
import { AGENT_API_BASE, enrolAnswerSchema } from '../workstations/protocol';
import { agentConfigSchema, readExisting, writeAgentConfig, type AgentConfig } from './config';
import { nodeHttp, type AgentHttp, type TransportOptions } from './transport';

export interface EnrolOptions {
  server: string;
  code: string;
  name: string;
  configPath: string;
  /** A PEM CA file to trust for the server's certificate. */
  ca?: string | undefined;
  allowHttp?: boolean | undefined;
}

/** The fields enrolment sets; everything else in an existing file stays as it is. */
const ENROLMENT_KEYS = ['server', 'name', 'token', 'ca', 'allowHttp'];

export async function enrolAgent(opts: EnrolOptions, makeHttp: (o: TransportOptions) => AgentHttp = nodeHttp): Promise<AgentConfig> {
  const ca = opts.ca ? path.resolve(opts.ca) : undefined;
  const kept = Object.fromEntries(Object.entries(readExisting(opts.configPath) ?? {}).filter(([k]) => !ENROLMENT_KEYS.includes(k)));
  const build = (name: string, token: string) =>
    agentConfigSchema.safeParse({ ...kept, server: opts.server, name, token, ...(ca && { ca }), allowHttp: Boolean(opts.allowHttp) });
  // Check everything before the code is used up: a code works only once.
  const name = opts.name.trim().toLowerCase();
  const precheck = build(name, 'x'.repeat(43));
  if (!precheck.success) {
    throw new Error(`Cannot enrol: ${precheck.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const http = makeHttp({ server: opts.server, ...(ca && { ca: fs.readFileSync(ca) }), allowHttp: Boolean(opts.allowHttp) });
  let res;
  try {
    res = await http.request('POST', `${AGENT_API_BASE}/enrol`, { body: { code: opts.code, name } });
  } catch (err) {
    throw new Error(`Cannot reach ${opts.server}: ${describeNetworkError(err)}`, { cause: err });
  } finally {
    http.close();
  }
  if (res.status !== 201) {
    const message = (res.body as { error?: { message?: string } } | undefined)?.error?.message ?? 'no reason given';
    throw new Error(`The server refused the enrolment (HTTP ${res.status}): ${message}`);
  }
  const answer = enrolAnswerSchema.parse(res.body);
  const config = build(answer.name, answer.token);
  if (!config.success) throw new Error(`The server's answer could not be saved: ${config.error.message}`);
  writeAgentConfig(opts.configPath, config.data);
  return config.data;
}

/** A network or TLS error in words, with the fix for an unverifiable certificate. */
export function describeNetworkError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code ?? '')) {
    return `the server's certificate could not be verified (${e.message}). If the portal uses the library's own CA, pass its certificate with --ca FILE.`;
  }
  return e.message;
}
