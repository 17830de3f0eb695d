// Configuration of languages and lessons: CONTENT_DIR, and terms translated by the library.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';

describe('configuration of languages and lessons', () => {
  it('when CONTENT_DIR is set, then it names the directory of extra lessons', () => {
    expect(loadConfig({ CONTENT_DIR: '/srv/library-lessons' }).contentDir).toBe('/srv/library-lessons');
    expect(loadConfig({}).contentDir).toBeUndefined();
  });

  it('when terms are translated for a language Threshold does not speak, then the key and the languages it knows are given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ terms: 'Be kind.', termsTranslations: { es: 'Sea amable.', de: 'Sei nett.' } }));
    let err: unknown;
    try {
      loadConfig({ THRESHOLD_CONFIG: file });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain("termsTranslations.de in " + file + ': got "Sei nett."; expected a language code: en, es, fr, ar');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
