// Browser-test helpers for patron pages: serve an app in-process on a free loopback port, record
// every request a page makes (host, bytes, fonts), catch CSP violations, run axe-core.
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { BrowserContext, Page, Response } from 'playwright-core';

/** What a patron page and everything it loads may weigh (ARCHITECTURE: patron pages under 50 KB). */
export const MAX_PAGE_BYTES = 50 * 1024;

/** An app listening on loopback for a browser test. */
export interface Served {
  base: string;
  close(): Promise<void>;
}

/** Serves an Express app on 127.0.0.1 and an ephemeral port. */
export async function serveApp(app: Express): Promise<Served> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What one page load fetched. */
export interface PageLoad {
  urls: string[];
  bytes: number;
}

/**
 * Watches a browser context: every request's URL (to prove none goes to another host), fonts,
 * CSP violations reported on the console, and the bytes each page load fetched. Routing every
 * request through Playwright turns the HTTP cache off, so each page is weighed whole.
 */
export class ContextRecorder {
  readonly requests: string[] = [];
  readonly fonts: string[] = [];
  readonly cspViolations: string[] = [];
  private current: PageLoad = { urls: [], bytes: 0 };
  private pending: Promise<void>[] = [];

  static async attach(context: BrowserContext): Promise<ContextRecorder> {
    const r = new ContextRecorder();
    await context.route('**/*', (route) => route.continue());
    context.on('request', (req) => {
      r.requests.push(req.url());
      if (req.resourceType() === 'font') r.fonts.push(req.url());
    });
    context.on('response', (res) => r.pending.push(r.weigh(res)));
    context.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) r.cspViolations.push(msg.text());
    });
    return r;
  }

  private async weigh(res: Response): Promise<void> {
    if (res.status() >= 300 && res.status() < 400) return;
    const body = await res.body().catch(() => Buffer.alloc(0));
    this.current.urls.push(res.url());
    this.current.bytes += body.length;
  }

  /** What was fetched since the last call (call after the page has loaded). */
  async takeLoad(page: Page): Promise<PageLoad> {
    await page.waitForLoadState('load');
    await Promise.all(this.pending);
    this.pending = [];
    const load = this.current;
    this.current = { urls: [], bytes: 0 };
    return load;
  }

  /** Requests to anything but `base` (data: URLs are part of the page itself). */
  foreign(base: string): string[] {
    return this.requests.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'));
  }
}

export const AXE_PATH = path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js');

/** One axe-core rule a page breaks, with the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA, and best practices) on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  // Evaluated as text: this project compiles without the DOM's types.
  return page.evaluate(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  })()`) as Promise<AxeViolation[]>;
}

/** How much wider than the viewport the page is (0 when nothing scrolls sideways). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
}
