// Keeping secrets out of configuration error messages: passwords in URLs, and the values of
// keys whose names say they hold a secret.

/** Key names whose values are secrets (REDIS_PASSWORD, metricsToken, apiKey, clientSecret…). */
const SECRET_KEY = /pass(word|phrase)?|secret|token|credential|api_?key|private_?key/i;

/** The placeholder for a secret that was left out. */
export const HIDDEN = '***';

/** Whether a config key or environment variable name looks like it holds a secret. */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** Replaces the password of every URL in `text` (`scheme://user:password@host`) with ***. */
export function redactUrlPasswords(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]*@/gi, `$1:${HIDDEN}@`);
}

/** A value as a config error message shows it: secrets hidden, URL passwords masked. */
export function shownValue(key: string, value: unknown): string {
  if (value === undefined) return 'missing';
  if (isSecretKey(key)) return `${HIDDEN} (hidden)`;
  // An object is shown for an unknown key inside it: its secret-looking members are hidden too.
  return redactUrlPasswords(JSON.stringify(value, (k, v: unknown) => (k && isSecretKey(k) ? HIDDEN : v)));
}
