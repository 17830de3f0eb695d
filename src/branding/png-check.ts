// Checks an uploaded PNG by its bytes: the signature, a well-formed chunk sequence from IHDR to
// IEND, and the picture's dimensions. The file name and the browser's content type count for nothing.
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The largest logo side, in pixels: the header shows it about 48 px high. */
export const MAX_LOGO_PIXELS = 1024;

export function isPngSignature(data: Buffer): boolean {
  return data.length >= 8 && data.subarray(0, 8).equals(SIGNATURE);
}

/** The PNG's width and height, or the reason a person can act on. */
export function checkPng(data: Buffer): { ok: true; width: number; height: number } | { ok: false; reason: string } {
  const broken = { ok: false as const, reason: 'This PNG file is damaged or incomplete. Export it again from your image editor and upload the new file.' };
  if (!isPngSignature(data) || data.length < 8 + 25 + 12) return broken;
  if (data.readUInt32BE(8) !== 13 || data.toString('latin1', 12, 16) !== 'IHDR') return broken;
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  if (width < 1 || height < 1) return broken;
  if (width > MAX_LOGO_PIXELS || height > MAX_LOGO_PIXELS) {
    return { ok: false, reason: `The logo is ${width} × ${height} pixels: make it at most ${MAX_LOGO_PIXELS} pixels wide and high (a few hundred is plenty).` };
  }
  // Walk the chunks: each is length, type, data, CRC; the last must be IEND, with nothing after.
  let at = 8;
  while (at + 12 <= data.length) {
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || at + 12 + length > data.length) return broken;
    at += 12 + length;
    if (type === 'IEND') return at === data.length ? { ok: true, width, height } : broken;
  }
  return broken;
}
