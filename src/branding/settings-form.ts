// The library settings form: its fields as typed, and turning them into settings, with one
// message per field a librarian can act on. Limits keep every patron page under its 50 KB budget
// with the logo, the longest terms and the banner on it (test/e2e/branded-pages.test.ts weighs it).
import { checkPng, isPngSignature } from './png-check';
import { sanitiseSvg } from './svg-sanitise';
import { parseGarden } from './garden-entries';
import { logoHash, type Logo, type StoredSettings } from './settings-types';
import type { Upload } from './multipart';
import { formatHhmm, localTime, zonedTime } from '../domain/local-time';
import { LANGUAGES, SUPPORTED, isLang, type Lang } from '../i18n/languages';

export const MAX_LOGO_BYTES = 20 * 1024;
/** Terms per language, counted as the page sends them (UTF-8, HTML-escaped): Arabic letters take two bytes. */
export const MAX_TERMS_BYTES = 12_000;
export const MAX_BANNER_CHARS = 400;
export const MAX_NAME_CHARS = 120;

export type SettingsFormValues = Record<string, string>;
export const TEXT_FIELDS = ['libraryName', 'defaultLang', 'bannerStart', 'bannerEnd', 'walledGarden', 'removeLogo', ...SUPPORTED.map((l) => `terms_${l}`), ...SUPPORTED.map((l) => `banner_${l}`)];

const htmlBytes = (s: string) => Buffer.byteLength(s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'));
const nameOf = (l: Lang) => ({ en: 'English', es: 'Spanish', fr: 'French', ar: 'Arabic' })[l];

/** The form's fields from a request body (strings only, at most 64 KB each as busboy cut them). */
export function pickSettingsValues(body: unknown): SettingsFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(TEXT_FIELDS.map((f) => [f, typeof b[f] === 'string' ? (b[f] as string).replace(/\r\n/g, '\n') : ''])) as SettingsFormValues;
}

/** The form as it shows the settings in force (config file values where staff set none). */
export function settingsToForm(s: StoredSettings, defaults: { libraryName: string; walledGarden: readonly string[] }, tz: string): SettingsFormValues {
  const when = (ms?: number) => {
    if (ms === undefined) return '';
    const lt = localTime(ms, tz);
    return `${lt.date}T${formatHhmm(lt.minutes)}`;
  };
  const v: SettingsFormValues = {
    libraryName: s.libraryName ?? defaults.libraryName,
    defaultLang: s.defaultLang ?? 'en',
    bannerStart: when(s.banner?.startsAt),
    bannerEnd: when(s.banner?.endsAt),
    walledGarden: (s.walledGarden ?? defaults.walledGarden).join('\n'),
    removeLogo: '',
  };
  for (const l of SUPPORTED) {
    v[`terms_${l}`] = s.terms?.[l] ?? '';
    v[`banner_${l}`] = s.banner?.text[l] ?? '';
  }
  return v;
}

export type ParsedSettings =
  | { ok: true; settings: StoredSettings; logo: Logo | null | undefined }
  | { ok: false; errors: Record<string, string>; status: number };

/** Reads the form; `previous` keeps the current logo unless a new one is sent or it is removed. */
export function parseSettingsForm(v: SettingsFormValues, upload: Upload | undefined, previous: StoredSettings, defaults: { libraryName: string; walledGarden: readonly string[] }, tz: string): ParsedSettings {
  const errors: Record<string, string> = {};
  let status = 400;
  const next: StoredSettings = {};

  const name = v.libraryName!.trim();
  if (name.length > MAX_NAME_CHARS) errors.libraryName = `The name is ${name.length} characters long: use at most ${MAX_NAME_CHARS}.`;
  else if (name && name !== defaults.libraryName) next.libraryName = name;

  if (!isLang(v.defaultLang)) errors.defaultLang = `Choose one of: ${SUPPORTED.map((l) => LANGUAGES[l].name).join(', ')}.`;
  else if (v.defaultLang !== 'en') next.defaultLang = v.defaultLang;

  const terms: Partial<Record<Lang, string>> = {};
  for (const l of SUPPORTED) {
    const text = v[`terms_${l}`]!.trim();
    const bytes = htmlBytes(text);
    if (bytes > MAX_TERMS_BYTES) errors[`terms_${l}`] = `The ${nameOf(l)} terms are too long (${Math.ceil(bytes / 1000)} KB): keep them under ${MAX_TERMS_BYTES / 1000} KB, about ${l === 'ar' ? '6,000' : '11,000'} letters, so the welcome page stays quick to load.`;
    else if (text) terms[l] = text;
  }
  if (Object.keys(terms).length) next.terms = terms;

  const banner: Partial<Record<Lang, string>> = {};
  for (const l of SUPPORTED) {
    const text = v[`banner_${l}`]!.trim();
    if ([...text].length > MAX_BANNER_CHARS) errors[`banner_${l}`] = `The ${nameOf(l)} notice is ${[...text].length} characters long: keep it to ${MAX_BANNER_CHARS} or fewer.`;
    else if (text) banner[l] = text;
  }
  const start = parseLocal(v.bannerStart!, tz);
  const end = parseLocal(v.bannerEnd!, tz);
  if (Object.keys(banner).length || v.bannerStart || v.bannerEnd) {
    if (start === undefined) errors.bannerStart = 'Give the date and time the notice starts to show, like 2026-12-01 09:00.';
    if (end === undefined) errors.bannerEnd = 'Give the date and time the notice stops showing, like 2026-12-24 17:00.';
    if (start !== undefined && end !== undefined && end <= start) errors.bannerEnd = 'The notice must stop showing after it starts: choose an end later than the start.';
    if (!Object.keys(banner).length) errors.banner_en = 'Write the notice in at least one language, or clear the dates to have no notice.';
    if (start !== undefined && end !== undefined && Object.keys(banner).length) next.banner = { text: banner, startsAt: start, endsAt: end };
  }

  const garden = parseGarden(v.walledGarden!);
  if (garden.problems.length) errors.walledGarden = garden.problems.join('\n'); // one a line: each is translated on its own
  else if (garden.entries.join('\n') !== defaults.walledGarden.join('\n')) next.walledGarden = garden.entries;

  let logo: Logo | null | undefined;
  if (upload) {
    const checked = checkLogo(upload);
    if (!checked.ok) {
      errors.logo = checked.reason;
      status = checked.status;
    } else logo = checked.logo;
  } else if (v.removeLogo === 'yes') logo = null;
  if (logo) next.logo = { type: logo.type, hash: logo.hash, bytes: logo.data.length };
  else if (logo === undefined && previous.logo) next.logo = previous.logo;

  if (Object.keys(errors).length) return { ok: false, errors, status };
  return { ok: true, settings: next, logo };
}

function checkLogo(upload: Upload): { ok: true; logo: Logo } | { ok: false; reason: string; status: number } {
  if (upload.tooBig) {
    return { ok: false, status: 413, reason: `The logo file is too big: at most ${MAX_LOGO_BYTES / 1024} KB. Make it smaller (fewer pixels, or "Optimized SVG"), or save it as SVG.` };
  }
  const data = upload.data;
  if (isPngSignature(data)) {
    const png = checkPng(data);
    return png.ok ? { ok: true, logo: { type: 'image/png', hash: logoHash(data), data } } : { ok: false, reason: png.reason, status: 400 };
  }
  const text = data.toString('utf8');
  if (!/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(svg|!DOCTYPE)[\s>]/i.test(text.replace(/^\uFEFF/, ''))) {
    return { ok: false, status: 415, reason: 'This file is not a PNG or an SVG picture. Save the logo as PNG or SVG and upload that file.' };
  }
  const svg = sanitiseSvg(text);
  if (!svg.ok) return { ok: false, reason: svg.reason, status: 400 };
  const clean = Buffer.from(svg.svg);
  return { ok: true, logo: { type: 'image/svg+xml', hash: logoHash(clean), data: clean } };
}

/** A datetime-local value ("2026-12-01T09:00") in the library's time zone, as epoch ms. */
function parseLocal(s: string, tz: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const [h, min] = [Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59 || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return undefined;
  return zonedTime(m[1]!, h * 60 + min, tz);
}
