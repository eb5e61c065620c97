import { multipartBoundary, parseMultipart } from './multipart';

describe('multipartBoundary', () => {
  it('reads the boundary of multipart/form-data only', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----clickhouse-js-1')).toBe('----clickhouse-js-1');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('text/plain')).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
  });
});

describe('parseMultipart', () => {
  // The body @clickhouse/client builds with use_multipart_params (buildMultipartBody).
  const body = (parts: Record<string, string>, boundary: string): Buffer =>
    Buffer.from(
      Object.entries(parts)
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
        .join('') + `--${boundary}--\r\n`,
    );

  it('splits named fields, values kept byte for byte', () => {
    const parts = parseMultipart(
      body({ query: 'SELECT {v:Array(String)}', param_v: "['a\\'b','c\r\nd']", param_e: '' }, 'B0UND'),
      'B0UND',
    );
    expect(parts.map((p) => [p.name, p.data.toString(), p.filename])).toEqual([
      ['query', 'SELECT {v:Array(String)}', undefined],
      ['param_v', "['a\\'b','c\r\nd']", undefined],
      ['param_e', '', undefined],
    ]);
  });

  it('reports file parts (external tables) with their file name', () => {
    const raw = Buffer.from('--x\r\nContent-Disposition: form-data; name="t"; filename="t.csv"\r\nContent-Type: text/csv\r\n\r\n1,2\r\n--x--\r\n');
    expect(parseMultipart(raw, 'x')).toMatchObject([{ name: 't', filename: 't.csv' }]);
  });

  it('throws on a truncated body', () => {
    expect(() => parseMultipart(Buffer.from('--x\r\nContent-Disposition: form-data; name="q"\r\n\r\nSELECT 1'), 'x')).toThrow(/not terminated/);
    expect(() => parseMultipart(Buffer.from('no delimiter'), 'x')).toThrow(/no boundary/);
  });
});
