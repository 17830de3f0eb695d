// Renders lesson Markdown to HTML that is safe under the pages' strict CSP: raw HTML is shown as
// text, links go only to the web, e-mail or the portal's own pages, images only from /static/,
// and headings start at h2 (the page's h1 is the lesson's title).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import type * as MarkedModule from 'marked' with { 'resolution-mode': 'import' };
import type { Tokens } from 'marked' with { 'resolution-mode': 'import' };
import { isLocalPath } from '../http/local-path';

/**
 * marked ships as an ES module only, which this CommonJS build cannot require on every Node 20
 * and Jest cannot require at all. The UMD bundle published beside it is the same code; since
 * marked's package.json says "type": "module", Node would load even that file as ESM, so it is
 * run here the way Node runs a CommonJS file: wrapped in a function given `module` and `exports`.
 */
function loadMarked(): typeof MarkedModule {
  const file = path.join(path.dirname(require.resolve('marked')), 'marked.umd.js');
  const wrapped = `(function (module, exports) {${fs.readFileSync(file, 'utf8')}\n})`;
  const mod = { exports: {} as Record<string, unknown> };
  (vm.runInThisContext(wrapped, { filename: file }) as (m: typeof mod, e: typeof mod.exports) => void)(mod, mod.exports);
  return mod.exports as unknown as typeof MarkedModule;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The documented rule: links go to https://, mailto:, tel: or the portal's own pages, nowhere else. */
function safeLink(href: string): boolean {
  return /^(https:\/\/|mailto:|tel:)/i.test(href) || isLocalPath(href);
}

/** Returns a function that turns Markdown into safe HTML. */
export function markdownRenderer(): (markdown: string) => string {
  const { Marked } = loadMarked();
  const marked = new Marked({
    gfm: true,
    async: false,
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(token.text);
      },
      heading({ tokens, depth }: Tokens.Heading) {
        const level = Math.min(6, Math.max(2, depth));
        return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        if (!safeLink(href)) return inner;
        const external = /^https:/i.test(href);
        const attrs = [`href="${escapeHtml(href)}"`];
        if (title) attrs.push(`title="${escapeHtml(title)}"`);
        // No Referer: the site a patron goes to need not learn they came from the library's portal.
        if (external) attrs.push('rel="noreferrer"');
        return `<a ${attrs.join(' ')}>${inner}</a>`;
      },
      image({ href, title, text }: Tokens.Image) {
        // Pages load nothing from another host, so only the gateway's own images are shown.
        if (!/^\/static\//.test(href)) return escapeHtml(text);
        return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}"${title ? ` title="${escapeHtml(title)}"` : ''}>`;
      },
    },
  });
  return (markdown) => marked.parse(markdown, { async: false });
}
