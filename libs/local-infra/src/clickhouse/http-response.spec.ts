import { chooseResponseEncoding, contentTypeFor } from './http-response';

describe('chooseResponseEncoding', () => {
  it.each([
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['deflate', 'deflate'],
    ['zstd', undefined],
    ['identity', undefined],
    [undefined, undefined],
  ])('%j -> %j', (accept, expected) => {
    expect(chooseResponseEncoding(accept)).toBe(expected);
  });
});

describe('contentTypeFor', () => {
  it.each([
    ['JSON', 'application/json; charset=UTF-8'],
    ['JSONEachRow', 'application/json; charset=UTF-8'],
    ['TabSeparated', 'text/tab-separated-values; charset=UTF-8'],
    ['TSVWithNames', 'text/tab-separated-values; charset=UTF-8'],
    ['CSV', 'text/csv; charset=UTF-8; header=absent'],
    ['CSVWithNames', 'text/csv; charset=UTF-8; header=present'],
    ['RowBinary', 'application/octet-stream'],
    ['Parquet', 'application/octet-stream'],
    ['Pretty', 'text/plain; charset=UTF-8'],
  ])('%s -> %s', (format, type) => {
    expect(contentTypeFor(format)).toBe(type);
  });
});
