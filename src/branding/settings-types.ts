// The library's settings staff set in the console, as kept in the store (one document, and the
// logo apart), and what is in force: each setting staff saved, else the configuration file's.
import crypto from 'node:crypto';
import { z } from 'zod';
import { SUPPORTED, type Lang } from '../i18n/languages';

const langEnum = z.enum(SUPPORTED as [Lang, ...Lang[]]);
const texts = z.partialRecord(langEnum, z.string());

export const LOGO_TYPES = ['image/png', 'image/svg+xml'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/** The settings document (store name "settings"). Every member is optional: unset means "the config file's". */
export const storedSettingsSchema = z.object({
  libraryName: z.string().min(1).max(120).optional(),
  /** The language a banner falls back to when it has no text in the patron's. */
  defaultLang: langEnum.optional(),
  terms: texts.optional(),
  banner: z.object({ text: texts, startsAt: z.number().int(), endsAt: z.number().int() }).optional(),
  walledGarden: z.array(z.string()).max(256).optional(),
  logo: z.object({ type: z.enum(LOGO_TYPES), hash: z.string().regex(/^[0-9a-f]{16}$/), bytes: z.number().int() }).optional(),
});
export type StoredSettings = z.infer<typeof storedSettingsSchema>;

/** The logo document (store name "logo"). */
export const storedLogoSchema = z.object({ type: z.enum(LOGO_TYPES), hash: z.string(), data: z.string() });
export interface Logo {
  type: LogoType;
  hash: string;
  data: Buffer;
}

export function logoHash(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** The logo's address on the gateway: it changes with the picture, so it may be cached for a year. */
export function logoPath(logo: { type: LogoType; hash: string }): string {
  return `/branding/logo-${logo.hash}.${logo.type === 'image/png' ? 'png' : 'svg'}`;
}

/** The banner as it shows on a page: its text in the patron's language, or in the library's default. */
export function bannerText(s: StoredSettings, lang: Lang, now: number): { text: string; lang: Lang } | undefined {
  const b = s.banner;
  if (!b || now < b.startsAt || now >= b.endsAt) return undefined;
  const from = [lang, s.defaultLang ?? 'en', ...SUPPORTED].find((l) => b.text[l]);
  return from ? { text: b.text[from]!, lang: from } : undefined;
}
