// Links that must stay on the portal: the one rule (isLocalPath) and the lesson link rule.
import { isLocalPath } from '../../src/http/local-path';
import { markdownRenderer } from '../../src/onboarding/markdown';

const OFF_PORTAL = ['//evil.example/x', '/\\evil.example/x', '/\t/evil.example', '/%2F%2Fevil.example/x', '/%2f/evil.example', '/%5Cevil.example/x', '/%5cevil.example', '/\n/evil.example', 'https://evil.example', 'evil.example', '', '/%E0%A4%A'];

describe('isLocalPath', () => {
  it.each(['/', '/privacy', '/learn/safe-browsing?lang=fr#quiz', '/status?notice=extended', '/a%20b'])('when the link is %j, then it is a page of the portal', (url) => {
    expect(isLocalPath(url)).toBe(true);
  });
  it.each(OFF_PORTAL)('when the link is %j, then it is not', (url) => {
    expect(isLocalPath(url)).toBe(false);
  });
});

describe('lesson links follow the documented rule (https, mailto, tel or the portal\'s own pages)', () => {
  const render = markdownRenderer();
  it.each(['https://example.org/a', 'mailto:help@example.org', 'tel:+15551234', '/privacy', '/learn/email-basics'])('when a lesson links to %j, then the link is kept', (href) => {
    expect(render(`[x](${href})`)).toContain('<a href=');
  });
  it.each(['/\\evil.example/x', '//evil.example/x', '/%2F%2Fevil.example', '/%5Cevil.example', 'http://example.org', 'javascript:alert(1)', 'data:text/html,x', 'ftp://example.org', '#top'])(
    'when a lesson links to %j, then only the text is kept',
    (href) => {
      const html = render(`[x](${href})`);
      expect(html).not.toContain('<a ');
      expect(html).toContain('x');
    },
  );
});
