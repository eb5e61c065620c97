import { installDigest, parseHelmVersion, stampMatches } from './tool-stamp';

describe('tool stamps', () => {
  const requirements = 'kubernetes-validate==1.37.0 \\\n    --hash=sha256:85136d01\n';

  it('digests the installation definition with SHA-256', () => {
    expect(installDigest(requirements)).toMatch(/^[0-9a-f]{64}$/);
    expect(installDigest(requirements)).toBe(installDigest(requirements));
    expect(installDigest('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('changes the digest when a pin changes, so the tools are reinstalled', () => {
    expect(installDigest(requirements.replace('1.37.0', '1.36.0'))).not.toBe(installDigest(requirements));
  });

  it('accepts only a stamp that records the same digest', () => {
    const digest = installDigest(requirements);
    expect(stampMatches(`${digest}\n`, digest)).toBe(true);
    expect(stampMatches(undefined, digest)).toBe(false);
    expect(stampMatches('', digest)).toBe(false);
    expect(stampMatches(`${digest.slice(0, 63)}\n`, digest)).toBe(false);
    expect(stampMatches(installDigest('other'), digest)).toBe(false);
  });

  it('reads the version helm reports', () => {
    expect(parseHelmVersion('v4.3.2')).toBe('v4.3.2');
    expect(parseHelmVersion('version.BuildInfo{Version:"v4.3.2", GitCommit:""}')).toBe('v4.3.2');
    expect(parseHelmVersion('v4.4.0-rc.1')).toBe('v4.4.0-rc.1');
    // A `go install` without the version ldflag reports the minor only: not the pinned release.
    expect(parseHelmVersion('v4.3')).toBeUndefined();
    expect(parseHelmVersion('')).toBeUndefined();
  });
});
