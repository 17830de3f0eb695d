// The guides' commands name zones that the example configuration has, so that copying them works.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const GUIDES = ['README.md', 'docs/install.md', 'docs/workstations.md'];

describe('the guides and the example configuration', () => {
  it('when a guide says --zone <id>, then the example configuration has that zone', () => {
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy', 'threshold.example.json'), 'utf8')) as { zones: { id: string }[] };
    const ids = example.zones.map((z) => z.id);
    const named = GUIDES.flatMap((file) =>
      [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/--zone\s+([a-z0-9][\w-]*)/g)].map((m) => ({ file, zone: m[1]! })),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const n of named) expect({ ...n, known: ids.includes(n.zone) }).toEqual({ ...n, known: true });
  });
});
