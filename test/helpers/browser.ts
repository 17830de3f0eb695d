// Headless Chromium for browser tests: Debian's chromium driven by playwright-core. Nothing is
// downloaded; if chromium is missing the test says how to install it.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium is missing at ${CHROMIUM}: install it with "apt-get install -y chromium"`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where browser tests write screenshots (created on demand). */
export function screenshotDir(name: string): string {
  const dir = `${process.cwd()}/test-output/screenshots/${name}`;
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
