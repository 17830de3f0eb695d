#!/usr/bin/env node
// The dependency check (`npm run check:deps`): the installed tree against the lock file, then
// the lock file against the registry's advisory database and its signatures, where the registry
// offers them. Exit 0: all checks ran and passed; 1: a check failed; 3: the tree is sound but no
// advisory check could run here (said plainly, never taken for a pass).
'use strict';
const { spawnSync } = require('node:child_process');

function npm(args) {
  const r = spawnSync('npm', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Errors that mean the registry (or a host it needs) cannot answer, not that a package is bad. */
const UNAVAILABLE = /\b(405|404|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|endpoint returned an error|not supported|Method Not Allowed)\b/i;

let failed = false;
const unavailable = [];

// 1. Offline: node_modules holds exactly what package-lock.json names (npm ci has already
//    checked every tarball against the lock file's sha512 integrity).
const ls = npm(['ls', '--all']);
if (ls.code !== 0) {
  failed = true;
  console.error('✗ the installed packages do not match package-lock.json (npm ls):');
  console.error(ls.out.split('\n').filter((l) => /invalid|missing|extraneous|ERR/i.test(l)).slice(0, 20).join('\n'));
} else console.log('✓ node_modules matches package-lock.json');

// 2. Known vulnerabilities, from the registry's advisory endpoint.
const audit = npm(['audit', '--audit-level=moderate']);
if (audit.code === 0) console.log('✓ npm audit: no known vulnerability of moderate severity or above');
else if (UNAVAILABLE.test(audit.out) && !/vulnerabilit(y|ies) \(/.test(audit.out)) unavailable.push(['npm audit', audit.out]);
else {
  failed = true;
  console.error(`✗ npm audit found vulnerabilities:\n${audit.out}`);
}

// 3. Registry signatures and provenance of every package in the lock file.
const sigs = npm(['audit', 'signatures']);
if (sigs.code === 0) console.log('✓ npm audit signatures: every signature verified');
else if (UNAVAILABLE.test(sigs.out)) unavailable.push(['npm audit signatures', sigs.out]);
else {
  failed = true;
  console.error(`✗ npm audit signatures:\n${sigs.out}`);
}

for (const [what, out] of unavailable) {
  const why = out.split('\n').find((l) => UNAVAILABLE.test(l)) ?? out.split('\n')[0];
  console.warn(`! ${what} could not run against this registry: ${why.trim()}`);
}
if (failed) process.exit(1);
if (unavailable.length) {
  console.warn('! No advisory check ran: see "Dependency checks" in README.md for what is pinned instead.');
  process.exit(3);
}
