import * as zlib from 'node:zlib';
import { DECODE_ERROR_STATUS, decodeBody, DecodeResult } from './content-encoding';
import { parseEnvelope } from './envelope.parser';

const MiB = 1024 * 1024;
const TEXT = Buffer.from('{"message":"héllo 🌍"}\n'.repeat(200));

async function decoded(body: Buffer, encoding: string | undefined, max = 10 * MiB): Promise<Buffer> {
  const result = await decodeBody(body, encoding, max);
  if (!result.ok) throw new Error(`expected a body, got ${result.error.code}: ${result.error.detail}`);
  return result.body;
}

async function failure(body: Buffer, encoding: string | undefined, max = 10 * MiB) {
  const result: DecodeResult = await decodeBody(body, encoding, max);
  if (result.ok) throw new Error('expected an error, got a body');
  return result.error;
}

/** Recorded from @sentry/node 11.12.0: an event with a 40 KB extra, so the SDK gzipped it (Content-Encoding: gzip). */
const SDK_GZIPPED_ENVELOPE = Buffer.from(
  'H4sIAAAAAAAAA+3UQW7bRhTG8X1PEbw1Q5M0JYrcNN0XLVAbKNAgMIbkk0yLHLLkSLBh6BTd9g69QHe5SU5SjMQ4cp0WTdFV8Qdk' +
  '6OfB43zDJ/I9iu7VupumlkKSKssW9SpXLbO0zFMT1bqul1Vcr9NqlRkJZPLFxvniKFm+juPXSXodZUWcF0kapqvkJ19Ub6V4FGs6' +
  'leJ4yfgQ3pm9maqxGVxo+1olkL2OU9NbKSSOwzgJIzkE4kZTqb9a7b4Ze9up9WlOJyeBjNqqmfyuo1Zv4jAKIwlk2JVtU91s9UEK' +
  'ieLkMl0ss1VuyqrW9Z//lznjdMvVYpHnZrVc5nGemlVWZkajPNWoLBfrrF7K4fDVo7iHwWceWyV+4cua1upeWymkseteAtH7Sgd3' +
  'vPNH2Zt2p5MUb2dKIWWzefXh1198I52ptk8dWY+mm0vXTatze30zi8Y6Ha1pL4axr3SaLpyZtjc/79TvHUjX17vWFz9fXu9sdTqH' +
  'zNeF8/d1U22nb2z9g97pscSXt41V20uxigOp+tYziQNp7I0ZBinWpp30ELw8nFV3foaztbMDaNe4b5vJqW3s5rvrs7g4X3wKjKN/' +
  'EHj8daYXmU/LZ7FXOu51DH36WeTicvmUeLn4bxO/L31Lw95W+uNohkHHs+Dl5epTb1d/H3zhuuFi1Mr/JeHds3S/9Nkb/fq8savP' +
  'ttWNOz28OwTSaXVrbDN1/uGbX4GNWh2bSgK5NbZutT7VBzI9WHerrqnmDeYdpslsnj/TQ2vcuh+7uUfiz2Cd3rvpGPPxYf+SdzSQ' +
  'aTD2VLzKl3VpyipNNIrKLPMzZdxZ13R6NpNeTKB9EoX+I4eDH3K+Vzdz7b7zI6PpdHKmG6SIs3yxiNJsmYZplgdfMqjmwejf1s1o' +
  'Tu9V8VauBmOv3Kima+xG3gX/YnIGMphqazbzfPh4m0NXvDntcvHXQ9f/UnrvRuPPVrZ9KYW8/92+/63qa32FEEIIIYQQQgghhBBC' +
  'CCGEEEIIIYQQQgghhBBCCCGEEEIIIYQQQgghhBBCCCGEEEIIIYQQQgghhBBCCCGEEEIIIYQQQgghhBBCCCGEEEIIIYQQQgghhBBC' +
  'CCGEEEIIIYQQQgghhBBCCCGEEEIIIYQQQgghhBBCCCGE/g+Sw+EPgvPGtmvJAAA=',
  'base64',
);

describe('decodeBody', () => {
  it('decodes what @sentry/node gzips, into an envelope', async () => {
    const body = await decoded(SDK_GZIPPED_ENVELOPE, 'gzip');
    expect(body).toHaveLength(51_563);
    const result = parseEnvelope(body, { maxItems: 10, maxItemBytes: MiB });
    expect(result).toMatchObject({ ok: true, envelope: { header: { event_id: '2c775d89eeb74b94a0defd6c1df4c87a' }, items: [{ type: 'event' }] } });
  });

  it.each([undefined, '', 'identity', 'IDENTITY', ' identity ', 'UTF-8'])('passes the body through for Content-Encoding %p', async (encoding) => {
    expect(await decoded(TEXT, encoding)).toBe(TEXT);
  });

  it.each([
    ['gzip', zlib.gzipSync(TEXT)],
    ['x-gzip', zlib.gzipSync(TEXT)],
    ['GZip', zlib.gzipSync(TEXT)],
    ['deflate', zlib.deflateSync(TEXT)],
    ['br', zlib.brotliCompressSync(TEXT)],
  ])('decodes %s', async (encoding, body) => {
    expect((await decoded(body, encoding)).equals(TEXT)).toBe(true);
  });

  it('decodes raw deflate sent as deflate (some clients skip the zlib wrapper)', async () => {
    for (const level of [0, 1, 6, 9]) {
      expect((await decoded(zlib.deflateRawSync(TEXT, { level }), 'deflate')).equals(TEXT)).toBe(true);
    }
  });

  it('tells raw from zlib-wrapped deflate for every level and strategy, and for multi-block streams', async () => {
    const big = Buffer.concat([TEXT, Buffer.alloc(200_000, 'z'), TEXT]);
    const { Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED, Z_DEFAULT_STRATEGY } = zlib.constants;
    for (const input of [TEXT, big, Buffer.from('x')]) {
      for (const level of [0, 1, 6, 9]) {
        for (const strategy of [Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED, Z_DEFAULT_STRATEGY]) {
          expect((await decoded(zlib.deflateRawSync(input, { level, strategy }), 'deflate')).equals(input)).toBe(true);
          expect((await decoded(zlib.deflateSync(input, { level, strategy }), 'deflate')).equals(input)).toBe(true);
        }
      }
    }
  });

  it('decodes concatenated gzip members', async () => {
    const body = Buffer.concat([zlib.gzipSync('abc'), zlib.gzipSync('def')]);
    expect((await decoded(body, 'gzip')).toString()).toBe('abcdef');
  });

  it('undoes several codings from last to first', async () => {
    const body = zlib.brotliCompressSync(zlib.gzipSync(TEXT));
    expect((await decoded(body, 'gzip, br')).equals(TEXT)).toBe(true);
    expect((await decoded(zlib.gzipSync(zlib.deflateSync(TEXT)), 'deflate,identity , gzip')).equals(TEXT)).toBe(true);
    expect((await failure(body, 'br, gzip')).code).toBe('corrupt');
  });

  it('refuses unknown codings before decoding anything', async () => {
    expect(await failure(TEXT, 'compress')).toEqual({ code: 'unsupported_encoding', detail: expect.stringMatching(/unsupported Content-Encoding "compress"/) });
    expect((await failure(zlib.gzipSync(TEXT), 'gzip, lzma')).detail).toMatch(/"lzma"/);
  });

  it('decodes zstd only where Node.js has a zstd decoder, and says so otherwise', async () => {
    const z = zlib as unknown as { zstdCompressSync?: (input: Buffer) => Buffer };
    if (typeof z.zstdCompressSync === 'function') {
      expect((await decoded(z.zstdCompressSync(TEXT), 'zstd')).equals(TEXT)).toBe(true);
    } else {
      expect(await failure(TEXT, 'zstd')).toEqual({ code: 'unsupported_encoding', detail: expect.stringMatching(/"zstd".*no zstd decoder/) });
    }
  });

  it.each([
    ['gzip', Buffer.from('definitely not gzip')],
    ['gzip', zlib.gzipSync(TEXT).subarray(0, 40)],
    ['gzip', Buffer.alloc(0)],
    ['deflate', Buffer.from([0x78, 0x9c, 1, 2, 3, 4, 5])],
    ['deflate', Buffer.from('plain text, not deflate')],
    ['br', Buffer.from('not brotli at all, surely')],
  ])('calls bad %s data corrupt', async (encoding, body) => {
    expect(await failure(body, encoding)).toEqual({ code: 'corrupt', detail: expect.stringContaining(`not valid ${encoding} data`) });
  });

  it('allows exactly maxDecodedBytes and refuses one byte more', async () => {
    const body = zlib.gzipSync(Buffer.alloc(100_000, 'a'));
    expect(await decoded(body, 'gzip', 100_000)).toHaveLength(100_000);
    expect(await failure(body, 'gzip', 99_999)).toEqual({ code: 'too_large', detail: 'request body is larger than 99999 bytes once decompressed', decodedBytes: 100_000 });
    expect((await failure(Buffer.alloc(11), undefined, 10)).code).toBe('too_large');
  });

  it('maps errors to 415, 400 and 413', () => {
    expect(DECODE_ERROR_STATUS).toEqual({ unsupported_encoding: 415, corrupt: 400, too_large: 413 });
  });
});

describe('decodeBody against decompression bombs', () => {
  // 1 GiB of zeros as 128 gzip members of 8 MiB each: about 1 MB on the wire.
  const member = zlib.gzipSync(Buffer.alloc(8 * MiB), { level: 9 });
  const gzipBomb = Buffer.concat(Array.from({ length: 128 }, () => member));
  const zeros64 = Buffer.alloc(64 * MiB);
  const deflateBomb = zlib.deflateSync(zeros64, { level: 9 });
  const brotliBomb = zlib.brotliCompressSync(zeros64, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });

  it('the bombs are small on the wire', () => {
    expect(gzipBomb.length).toBeLessThan(1.1 * MiB);
    expect(deflateBomb.length).toBeLessThan(100_000);
    expect(brotliBomb.length).toBeLessThan(100_000);
  });

  // Decoding stops within one output chunk of the limit: what a bomb costs is bounded by the
  // limit, not by its decompressed size (1 GiB here).
  const ONE_CHUNK = 256 * 1024;

  it('stops a 1 GiB gzip bomb soon after the limit, without holding the output', async () => {
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
    const result = await decodeBody(gzipBomb, 'gzip', MiB);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);

    expect(result).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(!result.ok && result.error.decodedBytes).toBeLessThanOrEqual(MiB + ONE_CHUNK);
    // Decoding it all would allocate 1 GiB; stopping at the limit allocates about 1 MiB plus zlib's buffers.
    expect(peak - before).toBeLessThan(32 * MiB);
  });

  it.each([
    ['deflate', () => deflateBomb],
    ['br', () => brotliBomb],
  ])('stops a %s bomb early', async (encoding, bomb) => {
    const result = await decodeBody(bomb(), encoding, MiB);
    expect(result).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(!result.ok && result.error.decodedBytes).toBeLessThanOrEqual(MiB + ONE_CHUNK);
  });
});
