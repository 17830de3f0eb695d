// What a refused nft batch says: the kernel's words and the statement the carets point at, never
// a client's address, for batches on one line (the nft channel) as for scripts (nft -f -).
import { NftError } from '../../src/firewall/nft-runner';

describe('NftError', () => {
  it('when a one-line batch is refused, then the message names the statement under the carets, without addresses', () => {
    const line = 'add element inet threshold allowed4 { 10.9.0.1 timeout 60s }; delete element inet threshold allowed4 { 10.9.0.2 }';
    const carets = `${' '.repeat(line.indexOf('10.9.0.2'))}^^^^^^^^`;
    const err = new NftError('nft -i', `Error: Could not process rule: No such file or directory\n${line}\n${carets}\n`);
    expect(err.message).toBe('nft -i failed: Error: Could not process rule: No such file or directory (in "delete element inet threshold allowed4 …")');
    expect(err.message).not.toMatch(/10\.9\.0\./);
  });

  it('when a script read from stdin is refused, then the failing line is named as before', () => {
    const err = new NftError('nft -f -', '/dev/stdin:2:1-20: Error: No such file or directory\nadd element inet threshold allowed4 { 10.9.0.1 }\n^^^^^^^^^^^^^^^^^^^^\n');
    expect(err.message).toBe('nft -f - failed: Error: No such file or directory (in "add element inet threshold allowed4 …")');
  });
});
