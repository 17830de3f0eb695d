// Cleans an uploaded SVG logo with a strict allow-list: the XML is parsed (saxes, no DOM), and
// only allowed SVG elements and attributes are written out again, escaped. Anything that could
// run or fetch something (scripts, event handlers, foreignObject, links and external references,
// animation of attributes, url() in styles, DOCTYPE and entities) makes the upload refused with
// the reason; harmless extras from editors (metadata, Inkscape attributes) are dropped.
import { SaxesParser } from 'saxes';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

const ELEMENTS = new Set([
  'svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc',
  'defs', 'linearGradient', 'radialGradient', 'stop', 'clipPath', 'mask', 'symbol', 'use', 'style',
]);
/** Elements that run, fetch or change something: an SVG holding one is refused. */
const HOSTILE = new Set([
  'script', 'foreignObject', 'iframe', 'embed', 'object', 'a', 'image', 'feImage', 'animate', 'animateTransform',
  'animateMotion', 'animateColor', 'set', 'handler', 'listener', 'discard', 'audio', 'video', 'canvas', 'font-face-uri', 'cursor',
]);
const ATTRIBUTES = new Set([
  'id', 'class', 'viewBox', 'width', 'height', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'fx', 'fy', 'd',
  'points', 'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-opacity', 'opacity', 'transform', 'offset',
  'stop-color', 'stop-opacity', 'gradientUnits', 'gradientTransform', 'spreadMethod', 'clip-path', 'clip-rule',
  'clipPathUnits', 'mask', 'maskUnits', 'maskContentUnits', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor',
  'dominant-baseline', 'letter-spacing', 'preserveAspectRatio', 'version', 'role', 'aria-label', 'aria-hidden', 'style',
  'display', 'visibility', 'color', 'dx', 'dy', 'textLength', 'lengthAdjust', 'vector-effect', 'shape-rendering',
]);
/** A reference inside the file (fill="url(#grad)", href="#shape"); nothing else may be referred to. */
const LOCAL_URL = /url\(\s*(['"]?)#[A-Za-z_][\w.:-]*\1\s*\)/g;
const LOCAL_HREF = /^#[A-Za-z_][\w.:-]*$/;

export type SvgResult = { ok: true; svg: string } | { ok: false; reason: string };

const refuse = (what: string): SvgResult => ({
  ok: false,
  // Two sentences, one a line: the console translates each (src/i18n/staff/en/settings-checks.ts).
  reason: `This SVG file contains ${what}, which a logo may not have.\nSave it again as a plain SVG (in Inkscape: "Optimized SVG"; in Illustrator: SVG with "Presentation Attributes"), or upload a PNG.`,
});

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

/** A style (attribute or element) that could fetch or hide something. */
function hostileStyle(css: string): boolean {
  return /url\s*\(|@import|expression\s*\(|\\|javascript:|behavior\s*:|-moz-binding/i.test(css);
}

export function sanitiseSvg(text: string): SvgResult {
  const out: string[] = [];
  /** Depth inside a dropped element (its content is dropped with it). */
  let dropping = 0;
  let refused: SvgResult | undefined;
  let sawRoot = false;
  const stack: string[] = [];
  const parser = new SaxesParser({ xmlns: true, position: false });
  parser.on('doctype', () => (refused ??= refuse('a DOCTYPE (entities)')));
  parser.on('processinginstruction', (pi) => {
    if (pi.target.toLowerCase() === 'xml-stylesheet') refused ??= refuse('an external style sheet');
  });
  parser.on('opentag', (tag) => {
    const name = tag.local;
    if (HOSTILE.has(name) || (tag.uri !== SVG_NS && /^(script|foreignObject|iframe|a|img|object|embed)$/i.test(name))) {
      refused ??= refuse(`a <${name}> element`);
    }
    if (!sawRoot) {
      sawRoot = true;
      if (name !== 'svg' || tag.uri !== SVG_NS) refused ??= { ok: false, reason: 'This file is not an SVG picture: its first element should be <svg xmlns="http://www.w3.org/2000/svg">. Upload a PNG or an SVG file.' };
    }
    stack.push(name);
    if (dropping || tag.uri !== SVG_NS || !ELEMENTS.has(name)) {
      dropping++;
      return;
    }
    const attrs: string[] = name === 'svg' && stack.length === 1 ? [`xmlns="${SVG_NS}"`] : [];
    for (const a of Object.values(tag.attributes)) {
      const local = a.local;
      const value = a.value;
      if (/^on/i.test(local)) {
        refused ??= refuse(`an event handler (${a.name})`);
        continue;
      }
      if (local === 'href' && (a.uri === XLINK_NS || a.uri === '')) {
        if (name !== 'use' || !LOCAL_HREF.test(value.trim())) refused ??= refuse(`a link or an external reference (${a.name}="${value.slice(0, 40)}")`);
        else attrs.push(`href="${escapeAttr(value.trim())}"`);
        continue;
      }
      if (a.uri === XLINK_NS || (a.prefix === 'xml' && local === 'base')) {
        refused ??= refuse(`an external reference (${a.name})`);
        continue;
      }
      if (a.uri !== '' || !ATTRIBUTES.has(local)) continue; // editors' extras (inkscape:…, data-…)
      if (local === 'style' ? hostileStyle(value) : /url\s*\(/i.test(value.replace(LOCAL_URL, ''))) {
        refused ??= refuse(local === 'style' ? 'a style with url() or an import' : `a reference to another file (${local}="${value.slice(0, 40)}")`);
        continue;
      }
      if (/javascript:|data:/i.test(value)) {
        refused ??= refuse(`a script or data address in ${local}`);
        continue;
      }
      attrs.push(`${local}="${escapeAttr(value)}"`);
    }
    out.push(`<${name}${attrs.length ? ' ' + attrs.join(' ') : ''}>`);
  });
  parser.on('text', (t) => {
    if (dropping) return;
    if (stack.at(-1) === 'style' && hostileStyle(t)) refused ??= refuse('a style with url() or an import');
    if (stack.length) out.push(escapeText(t));
  });
  parser.on('cdata', (t) => {
    if (dropping) return;
    if (stack.at(-1) === 'style' && hostileStyle(t)) refused ??= refuse('a style with url() or an import');
    if (stack.length) out.push(escapeText(t));
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    if (dropping) {
      dropping--;
      return;
    }
    out.push(`</${tag.local}>`);
  });
  try {
    parser.write(text).close();
  } catch (err) {
    if (refused) return refused;
    const line = /^(\d+):(\d+)/.exec((err as Error).message);
    return { ok: false, reason: `This SVG file is not well-formed XML${line ? ` (line ${line[1]})` : ''}. Export it again from your image editor, or upload a PNG.` };
  }
  if (refused) return refused;
  if (!sawRoot) return { ok: false, reason: 'This file is not an SVG picture. Upload a PNG or an SVG file.' };
  return { ok: true, svg: out.join('') };
}
