// The SVG logo cleaner against hostile files: each trick is refused with a reason, a plain logo
// keeps its drawing, and what comes out holds only allow-listed elements and attributes.
import fs from 'node:fs';
import path from 'node:path';
import { sanitiseSvg } from '../../src/branding/svg-sanitise';
import { checkPng } from '../../src/branding/png-check';

const wrap = (inner: string, attrs = '') => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"${attrs}>${inner}</svg>`;

describe('SVG logos', () => {
  test.each([
    ['a script element', wrap('<script>alert(1)</script>'), /<script>/],
    ['a script in another case of namespace', '<svg xmlns="http://www.w3.org/2000/svg"><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script></svg>', /script/],
    ['an event handler', wrap('<rect width="5" height="5" onclick="alert(1)"/>'), /event handler/],
    ['an onload on the root', wrap('<rect/>', ' onload="alert(1)"'), /event handler/],
    ['a foreignObject', wrap('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'), /foreignObject/],
    ['an external image', wrap('<image href="https://tracker.example/p.png" width="10" height="10"/>'), /<image>/],
    ['a link', wrap('<a href="javascript:alert(1)"><rect/></a>'), /<a>/],
    ['a use of another file', wrap('<use xlink:href="https://evil.example/sprite.svg#x"/>'), /external reference/],
    ['a use of a data address', wrap('<use href="data:image/svg+xml;base64,PHN2Zz4="/>'), /external reference/],
    ['an animation that rewrites an href', wrap('<set attributeName="href" to="javascript:alert(1)"/>'), /<set>/],
    ['a style element with url()', wrap('<style>rect{fill:url(https://tracker.example/x)}</style>'), /url\(\)/],
    ['a style element with an import', wrap('<style>@import "https://evil.example/a.css";</style>'), /url\(\) or an import/],
    ['a style attribute with url()', wrap('<rect style="background:url(//evil.example/x)"/>'), /url\(\)/],
    ['an escaped url in a style', wrap('<rect style="fill:u\\72l(//evil.example/x)"/>'), /style/],
    ['a fill pointing at another file', wrap('<rect fill="url(https://evil.example/a.svg#g)"/>'), /another file/],
    ['a DOCTYPE with entities', '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', /DOCTYPE/],
    ['an external style sheet', '<?xml-stylesheet href="https://evil.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>', /style sheet/],
    ['an HTML page', '<html><body><script>alert(1)</script></body></html>', /not an SVG|script/],
    ['broken XML', '<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', /well-formed/],
  ])('when the file has %s, then it is refused with a reason', (_name, svg, reason) => {
    const r = sanitiseSvg(svg);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  test('when a plain logo comes from an editor, then its drawing is kept and the extras are dropped', () => {
    const r = sanitiseSvg(fs.readFileSync(path.join(__dirname, '../fixtures/logos/logo.svg'), 'utf8'));
    if (!r.ok) throw new Error(r.reason);
    expect(r.svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 64 64" width="64" height="64">/);
    expect(r.svg).toContain('fill="url(#g)"');
    expect(r.svg).toContain('<linearGradient id="g"');
    expect(r.svg).toContain('style="stroke:#123c69;stroke-width:2"');
    expect(r.svg).not.toMatch(/inkscape|metadata|rdf|<!--/);
  });

  test('when text holds markup characters, then they come out escaped', () => {
    const r = sanitiseSvg(wrap('<title>A &amp; B &lt;script&gt;</title><use href="#shape"/>'));
    if (!r.ok) throw new Error(r.reason);
    expect(r.svg).toContain('<title>A &amp; B &lt;script&gt;</title>');
    expect(r.svg).toContain('<use href="#shape"></use>');
  });
});

describe('PNG logos', () => {
  test('when a PNG is well formed, then its size is read from its header', () => {
    expect(checkPng(fs.readFileSync(path.join(__dirname, '../fixtures/logos/logo-96x96.png')))).toEqual({ ok: true, width: 96, height: 96 });
  });

  test('when a PNG is too wide, cut short, or has bytes after its end, then it is refused with a reason', () => {
    const good = fs.readFileSync(path.join(__dirname, '../fixtures/logos/logo-96x96.png'));
    expect(checkPng(fs.readFileSync(path.join(__dirname, '../fixtures/logos/huge-2000x10.png')))).toEqual({ ok: false, reason: expect.stringContaining('2000 × 10 pixels') });
    expect(checkPng(good.subarray(0, good.length - 20))).toEqual({ ok: false, reason: expect.stringContaining('damaged') });
    expect(checkPng(Buffer.concat([good, Buffer.from('<script>alert(1)</script>')]))).toEqual({ ok: false, reason: expect.stringContaining('damaged') });
  });
});
