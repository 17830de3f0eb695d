// Checks the walled-garden entries typed on the settings page, strictly: a plain IPv4 or IPv6
// address, a subnet no wider than /16 (IPv4) or /32 (IPv6) — a wider one would let patrons past
// the welcome page to much of the internet — or a full host name. Each refusal says what to type.
import ipaddr from 'ipaddr.js';

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const MAX_GARDEN_ENTRIES = 64;

function address(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (IPV4.test(s)) return ipaddr.IPv4.parse(s);
  if (s.includes(':') && ipaddr.IPv6.isValid(s) && !s.includes('%')) return ipaddr.IPv6.parse(s);
  return undefined;
}

/** Why an entry cannot be in the walled garden, or undefined when it can (normalised in `entry`). */
export function gardenEntryProblem(entry: string): string | undefined {
  const e = entry.trim();
  if (e.includes('*')) return `"${e}": wildcards cannot be used. List each host name, for example catalogue.library.example.`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e) || e.includes('/') && !/^[0-9a-f:.]+\/\d{1,3}$/i.test(e)) {
    return `"${e}": type only the host name, without http:// or a path, for example catalogue.library.example.`;
  }
  if (e.includes('/')) {
    const [addr, bits] = e.split('/') as [string, string];
    const a = address(addr);
    const n = Number(bits);
    const max = a?.kind() === 'ipv6' ? 128 : 32;
    if (!a || !/^\d{1,3}$/.test(bits) || n > max) return `"${e}": not a subnet. Type it like 192.0.2.0/24 or 2001:db8::/48.`;
    const min = a.kind() === 'ipv6' ? 32 : 16;
    if (n < min) return `"${e}": this subnet is too wide (/${n}); it would let patrons reach a large part of the internet before accepting the terms. Use /${min} or narrower.`;
    if (a.range() === 'unspecified') return `"${e}": this is not a real network.`;
    return undefined;
  }
  const a = address(e);
  if (a) return a.range() === 'unspecified' || a.range() === 'broadcast' ? `"${e}": this is not a real address.` : undefined;
  if (/^[\d.]+$/.test(e)) return `"${e}": not an IP address. Type four numbers from 0 to 255, like 192.0.2.10.`;
  if (!HOSTNAME.test(e)) return `"${e}": not a host name. Use letters, digits, dashes and dots, like catalogue.library.example.`;
  return undefined;
}

/** The entries of the textarea (one a line, or separated by commas or spaces), with a message per bad one. */
export function parseGarden(text: string): { entries: string[]; problems: string[] } {
  const items = text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  const problems = items.map(gardenEntryProblem).filter((p): p is string => Boolean(p));
  if (items.length > MAX_GARDEN_ENTRIES) problems.push(`There are ${items.length} entries: at most ${MAX_GARDEN_ENTRIES} can be listed.`);
  return { entries: [...new Set(items.map((s) => s.toLowerCase()))], problems };
}
