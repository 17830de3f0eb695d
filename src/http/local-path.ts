// Whether a link stays on this site: the one test for links built from a request's path or
// taken from content (lessons), so none can send a patron to another host.

/** Where a path is resolved to check it: a name that can never be a real host. */
const HERE = 'http://portal.invalid';

/**
 * True for a path on this site ("/privacy", "/learn?lang=fr#a"); false for anything a browser
 * could take to another host: "//host", "/\host" (browsers read "\" as "/"), tabs or newlines
 * (browsers drop them, so "/\t/host" is "//host"), and their percent-encoded forms
 * ("/%2F%2Fhost", "/%5Chost"), which a server or a later redirect might decode.
 */
export function isLocalPath(url: string): boolean {
  if (!url.startsWith('/')) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    return false;
  }
  for (const form of [url, decoded]) {
    // eslint-disable-next-line no-control-regex
    if (/[\\\u0000-\u001f\u007f]/.test(form) || form.startsWith('//')) return false;
  }
  try {
    return new URL(url, HERE).origin === HERE;
  } catch {
    return false;
  }
}
