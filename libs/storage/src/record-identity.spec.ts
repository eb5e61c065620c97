import { createHash } from 'node:crypto';
import { recordKey } from './record-identity';

describe('recordKey', () => {
  it('is the MD5 of project and identity read as one big-endian 128-bit number, as keys already stored were computed', () => {
    for (const [project, identity] of [[3, 'a'.repeat(32)], [41, 'trace:span'], [7, 'ü€😀']] as const) {
      expect(recordKey(project, identity)).toBe(BigInt(`0x${createHash('md5').update(`${project}\n${identity}`).digest('hex')}`));
    }
  });
});
