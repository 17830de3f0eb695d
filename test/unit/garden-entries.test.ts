// Walled-garden entries typed on the library settings page: only plain addresses, narrow
// subnets and full host names get in; everything else is refused with what to type instead.
import { gardenEntryProblem, parseGarden, MAX_GARDEN_ENTRIES } from '../../src/branding/garden-entries';

describe('walled-garden entries', () => {
  test.each(['catalogue.library.example', 'EBOOKS.Example.org', '192.0.2.10', '192.0.2.0/24', '10.20.0.0/16', '2001:db8::5', '2001:db8::/32', 'xn--bcher-kva.example'])(
    'when "%s" is typed, then it is accepted',
    (entry) => expect(gardenEntryProblem(entry)).toBeUndefined(),
  );

  test.each([
    ['localhost', /not a host name/],
    ['catalogue', /not a host name/],
    ['010.0.0.1', /not an IP address/],
    ['256.1.1.1', /not an IP address/],
    ['1.2.3', /not an IP address/],
    ['0.0.0.0', /not a real address/],
    ['255.255.255.255', /not a real address/],
    ['0.0.0.0/16', /not a real network/],
    ['10.0.0.0/15', /too wide \(\/15\)/],
    ['2001:db8::/31', /too wide \(\/31\)/],
    ['::/0', /too wide/],
    ['192.0.2.0/33', /not a subnet/],
    ['fe80::1%eth0', /not a host name/],
    ['http://catalogue.example', /without http/],
    ['catalogue.example/opac', /without http/],
    ['*.example.org', /wildcards/],
    ['under_score.example', /not a host name/],
    ['-dash.example', /not a host name/],
    [`${'a'.repeat(64)}.example`, /not a host name/],
  ])('when "%s" is typed, then it is refused', (entry, reason) => expect(gardenEntryProblem(entry)).toMatch(reason));

  test('when the list is typed with commas, spaces, capitals and repeats, then each entry is kept once, in lower case', () => {
    expect(parseGarden('Catalogue.Example,  ebooks.example\n\ncatalogue.example 192.0.2.1')).toEqual({ entries: ['catalogue.example', 'ebooks.example', '192.0.2.1'], problems: [] });
  });

  test('when too many entries are typed, then the list is refused saying how many may be', () => {
    const many = Array.from({ length: MAX_GARDEN_ENTRIES + 1 }, (_, i) => `h${i}.example`).join('\n');
    expect(parseGarden(many).problems).toEqual([`There are ${MAX_GARDEN_ENTRIES + 1} entries: at most ${MAX_GARDEN_ENTRIES} can be listed.`]);
  });
});
