import { ENVELOPE_ERROR_STATUS, EnvelopeLimits, EnvelopeResult, itemKind, parseEnvelope } from './envelope.parser';

const LIMITS: EnvelopeLimits = { maxItems: 100, maxItemBytes: 1024 * 1024 };
const EVENT_ID = '9ec79c33ec9942ab8353589fcb2e04dc';
const DSN = 'https://e12d836b15bb49d7bbf99e64295d995b@sentry.example.com/42';
const HEADER = JSON.stringify({ event_id: EVENT_ID, dsn: DSN });

const parse = (body: string | Buffer, limits: EnvelopeLimits = LIMITS): EnvelopeResult =>
  parseEnvelope(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, limits);

function parsed(body: string | Buffer, limits?: EnvelopeLimits) {
  const result = parse(body, limits);
  if (!result.ok) throw new Error(`expected an envelope, got ${result.error.code}: ${result.error.detail}`);
  return result.envelope;
}

function failure(body: string | Buffer, limits?: EnvelopeLimits) {
  const result = parse(body, limits);
  if (result.ok) throw new Error('expected an error, got an envelope');
  return result.error;
}

const payloads = (body: string | Buffer): string[] => parsed(body).items.map((item) => item.payload.toString('utf8'));

/**
 * Recorded from @sentry/node 11.12.0 (a tiny HTTP server writing request bodies to files):
 * `captureMessage('boom ✓')` with two attachments — `notes.txt` = "héllo 🌍\nsecond line\n" (24 bytes,
 * 20 characters) and `blob.bin` = bytes 00 0a ff 0a 0d 0a — then the span v2 batch of a root span
 * `GET /ünïcode` with one child. No trailing newline, as the JS SDK writes them.
 */
const SDK_EVENT_WITH_ATTACHMENTS = Buffer.from(
  'eyJldmVudF9pZCI6IjAwZDI1OGNiOWJmYjQ2NmY5ODk3NzBhOTQ2NDc5ZWRlIiwic2VudF9hdCI6IjIwMjYtMTEtMjRUMDc6MjA6' +
  'NDUuOTYwWiIsInNkayI6eyJuYW1lIjoic2VudHJ5LmphdmFzY3JpcHQubm9kZSIsInZlcnNpb24iOiIxMS4xMi4wIn0sInRyYWNl' +
  'Ijp7ImVudmlyb25tZW50IjoidGVzdCIsInJlbGVhc2UiOiJyZWNAMS4wLjAiLCJwdWJsaWNfa2V5IjoiMDEyMzQ1Njc4OWFiY2Rl' +
  'ZjAxMjM0NTY3ODlhYmNkZWYiLCJ0cmFjZV9pZCI6ImFlZTRiOGNhYWU5ZDRlOGI4MzY0ZjVkOTYyNmFjZjVkIn19CnsidHlwZSI6' +
  'ImV2ZW50In0KeyJldmVudF9pZCI6IjAwZDI1OGNiOWJmYjQ2NmY5ODk3NzBhOTQ2NDc5ZWRlIiwibGV2ZWwiOiJpbmZvIiwiZXhj' +
  'ZXB0aW9uIjp7InZhbHVlcyI6W3sidmFsdWUiOiJib29tIOKckyIsInN0YWNrdHJhY2UiOnsiZnJhbWVzIjpbeyJmaWxlbmFtZSI6' +
  'Im5vZGU6ZXZlbnRzIiwibW9kdWxlIjoibm9kZTpldmVudHMiLCJmdW5jdGlvbiI6IlNlcnZlci5lbWl0IiwibGluZW5vIjo1MzYs' +
  'ImNvbG5vIjozNSwiaW5fYXBwIjpmYWxzZX0seyJmaWxlbmFtZSI6Im5vZGU6ZXZlbnRzIiwibW9kdWxlIjoibm9kZTpldmVudHMi' +
  'LCJmdW5jdGlvbiI6Ik9iamVjdC5vbmNlV3JhcHBlciIsImxpbmVubyI6NjM4LCJjb2xubyI6MjgsImluX2FwcCI6ZmFsc2V9LHsi' +
  'ZmlsZW5hbWUiOiIvdG1wL3JlYy9yZWMuanMiLCJtb2R1bGUiOiJyZWMiLCJmdW5jdGlvbiI6IlNlcnZlci4/IiwibGluZW5vIjox' +
  'OSwiY29sbm8iOjEwLCJpbl9hcHAiOnRydWV9LHsiZmlsZW5hbWUiOiIvd29yay9tYWluL25vZGVfbW9kdWxlcy9Ac2VudHJ5L2Nv' +
  'cmUvYnVpbGQvY2pzL2N1cnJlbnRTY29wZXMuanMiLCJtb2R1bGUiOiJAc2VudHJ5LmNvcmUuYnVpbGQuY2pzOmN1cnJlbnRTY29w' +
  'ZXMiLCJmdW5jdGlvbiI6Ik1vZHVsZS53aXRoU2NvcGUiLCJsaW5lbm8iOjQwLCJjb2xubyI6MTQsImluX2FwcCI6ZmFsc2V9LHsi' +
  'ZmlsZW5hbWUiOiIvd29yay9tYWluL25vZGVfbW9kdWxlcy9Ac2VudHJ5L3NlcnZlci11dGlscy9idWlsZC9janMvYXN5bmMtY29u' +
  'dGV4dC5qcyIsIm1vZHVsZSI6IkBzZW50cnkuc2VydmVyLXV0aWxzLmJ1aWxkLmNqczphc3luYy1jb250ZXh0IiwiZnVuY3Rpb24i' +
  'OiJPYmplY3Qud2l0aFNjb3BlIiwibGluZW5vIjoyMiwiY29sbm8iOjI1LCJpbl9hcHAiOmZhbHNlfSx7ImZpbGVuYW1lIjoibm9k' +
  'ZTphc3luY19ob29rcyIsIm1vZHVsZSI6Im5vZGU6YXN5bmNfaG9va3MiLCJmdW5jdGlvbiI6IkFzeW5jTG9jYWxTdG9yYWdlLnJ1' +
  'biIsImxpbmVubyI6MzQ2LCJjb2xubyI6MTQsImluX2FwcCI6ZmFsc2V9LHsiZmlsZW5hbWUiOiIvd29yay9tYWluL25vZGVfbW9k' +
  'dWxlcy9Ac2VudHJ5L3NlcnZlci11dGlscy9idWlsZC9janMvYXN5bmMtY29udGV4dC5qcyIsIm1vZHVsZSI6IkBzZW50cnkuc2Vy' +
  'dmVyLXV0aWxzLmJ1aWxkLmNqczphc3luYy1jb250ZXh0IiwiZnVuY3Rpb24iOiI/IiwibGluZW5vIjoyMywiY29sbm8iOjE0LCJp' +
  'bl9hcHAiOmZhbHNlfSx7ImZpbGVuYW1lIjoiL3RtcC9yZWMvcmVjLmpzIiwibW9kdWxlIjoicmVjIiwiZnVuY3Rpb24iOiI/Iiwi' +
  'bGluZW5vIjoyMiwiY29sbm8iOjEyLCJpbl9hcHAiOnRydWV9XX0sIm1lY2hhbmlzbSI6eyJ0eXBlIjoiZ2VuZXJpYyIsImhhbmRs' +
  'ZWQiOnRydWUsInN5bnRoZXRpYyI6dHJ1ZX19XX0sIm1lc3NhZ2UiOiJib29tIOKckyIsInBsYXRmb3JtIjoibm9kZSIsImNvbnRl' +
  'eHRzIjp7InRyYWNlIjp7InRyYWNlX2lkIjoiYWVlNGI4Y2FhZTlkNGU4YjgzNjRmNWQ5NjI2YWNmNWQiLCJzcGFuX2lkIjoiODll' +
  'YjY5ZWNiOGY2MmJlZCJ9LCJydW50aW1lIjp7Im5hbWUiOiJub2RlIiwidmVyc2lvbiI6InYyMC4yMC4yIn19LCJzZXJ2ZXJfbmFt' +
  'ZSI6InZtIiwidGltZXN0YW1wIjoxNzk1NTA0ODQ1Ljk1NywiZW52aXJvbm1lbnQiOiJ0ZXN0IiwicmVsZWFzZSI6InJlY0AxLjAu' +
  'MCIsInNkayI6eyJpbnRlZ3JhdGlvbnMiOlsiU3BhblN0cmVhbWluZyJdLCJuYW1lIjoic2VudHJ5LmphdmFzY3JpcHQubm9kZSIs' +
  'InZlcnNpb24iOiIxMS4xMi4wIiwicGFja2FnZXMiOlt7Im5hbWUiOiJucG06QHNlbnRyeS9ub2RlIiwidmVyc2lvbiI6IjExLjEy' +
  'LjAifV19fQp7InR5cGUiOiJhdHRhY2htZW50IiwibGVuZ3RoIjoyNCwiZmlsZW5hbWUiOiJub3Rlcy50eHQifQpow6lsbG8g8J+M' +
  'jQpzZWNvbmQgbGluZQoKeyJ0eXBlIjoiYXR0YWNobWVudCIsImxlbmd0aCI6NiwiZmlsZW5hbWUiOiJibG9iLmJpbiJ9CgAK/woN' +
  'Cg==',
  'base64',
);
const SDK_SPANS = Buffer.from(
  'eyJzZW50X2F0IjoiMjAyNi0xMS0yNFQwNzoyMDo0NS45NzhaIiwidHJhY2UiOnsiZW52aXJvbm1lbnQiOiJ0ZXN0IiwicmVsZWFz' +
  'ZSI6InJlY0AxLjAuMCIsInB1YmxpY19rZXkiOiIwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsInRyYWNlX2lkIjoi' +
  'YWVlNGI4Y2FhZTlkNGU4YjgzNjRmNWQ5NjI2YWNmNWQiLCJ0cmFuc2FjdGlvbiI6IkdFVCAvw7xuw69jb2RlIiwic2FtcGxlZCI6' +
  'InRydWUiLCJzYW1wbGVfcmFuZCI6IjAuNjAyMzczODU2MTA3MDQxMSIsInNhbXBsZV9yYXRlIjoiMSJ9LCJzZGsiOnsibmFtZSI6' +
  'InNlbnRyeS5qYXZhc2NyaXB0Lm5vZGUiLCJ2ZXJzaW9uIjoiMTEuMTIuMCJ9fQp7InR5cGUiOiJzcGFuIiwiaXRlbV9jb3VudCI6' +
  'MiwiY29udGVudF90eXBlIjoiYXBwbGljYXRpb24vdm5kLnNlbnRyeS5pdGVtcy5zcGFuLnYyK2pzb24ifQp7InZlcnNpb24iOjIs' +
  'Iml0ZW1zIjpbeyJuYW1lIjoiY2hpbGQiLCJzcGFuX2lkIjoiOTkzNjdmOWRmMjkyNmViNSIsInRyYWNlX2lkIjoiYWVlNGI4Y2Fh' +
  'ZTlkNGU4YjgzNjRmNWQ5NjI2YWNmNWQiLCJwYXJlbnRfc3Bhbl9pZCI6IjllZTY2MzgyYzc4NTFlMzUiLCJzdGFydF90aW1lc3Rh' +
  'bXAiOjE3OTU1MDQ4NDUuOTY5NDgsImVuZF90aW1lc3RhbXAiOjE3OTU1MDQ4NDUuOTY5OTE2OCwiaXNfc2VnbWVudCI6ZmFsc2Us' +
  'InN0YXR1cyI6Im9rIiwiYXR0cmlidXRlcyI6eyJzZW50cnkub3JpZ2luIjp7InZhbHVlIjoibWFudWFsIiwidHlwZSI6InN0cmlu' +
  'ZyJ9LCJzZW50cnkudHJhY2VfbGlmZWN5Y2xlIjp7InZhbHVlIjoic3RyZWFtIiwidHlwZSI6InN0cmluZyJ9LCJzZW50cnkuc2Vn' +
  'bWVudC5uYW1lIjp7InZhbHVlIjoiR0VUIC/DvG7Dr2NvZGUiLCJ0eXBlIjoic3RyaW5nIn0sInNlbnRyeS5zZWdtZW50LmlkIjp7' +
  'InZhbHVlIjoiOWVlNjYzODJjNzg1MWUzNSIsInR5cGUiOiJzdHJpbmcifSwic2VudHJ5LnNkay5uYW1lIjp7InZhbHVlIjoic2Vu' +
  'dHJ5LmphdmFzY3JpcHQubm9kZSIsInR5cGUiOiJzdHJpbmcifSwic2VudHJ5LnNkay52ZXJzaW9uIjp7InZhbHVlIjoiMTEuMTIu' +
  'MCIsInR5cGUiOiJzdHJpbmcifSwic2VudHJ5LnJlbGVhc2UiOnsidmFsdWUiOiJyZWNAMS4wLjAiLCJ0eXBlIjoic3RyaW5nIn0s' +
  'InNlbnRyeS5lbnZpcm9ubWVudCI6eyJ2YWx1ZSI6InRlc3QiLCJ0eXBlIjoic3RyaW5nIn19fSx7Im5hbWUiOiJHRVQgL8O8bsOv' +
  'Y29kZSIsInNwYW5faWQiOiI5ZWU2NjM4MmM3ODUxZTM1IiwidHJhY2VfaWQiOiJhZWU0YjhjYWFlOWQ0ZThiODM2NGY1ZDk2MjZh' +
  'Y2Y1ZCIsInN0YXJ0X3RpbWVzdGFtcCI6MTc5NTUwNDg0NS45NjgxOTA0LCJlbmRfdGltZXN0YW1wIjoxNzk1NTA0ODQ1Ljk3MTQx' +
  'MiwiaXNfc2VnbWVudCI6dHJ1ZSwic3RhdHVzIjoib2siLCJhdHRyaWJ1dGVzIjp7InNlbnRyeS5vcmlnaW4iOnsidmFsdWUiOiJt' +
  'YW51YWwiLCJ0eXBlIjoic3RyaW5nIn0sInNlbnRyeS5vcCI6eyJ2YWx1ZSI6Imh0dHAuc2VydmVyIiwidHlwZSI6InN0cmluZyJ9' +
  'LCJzZW50cnkuc2VnbWVudC5uYW1lLnNvdXJjZSI6eyJ2YWx1ZSI6ImN1c3RvbSIsInR5cGUiOiJzdHJpbmcifSwic2VudHJ5LnNh' +
  'bXBsZV9yYXRlIjp7InZhbHVlIjoxLCJ0eXBlIjoiaW50ZWdlciJ9LCJzZW50cnkudHJhY2VfbGlmZWN5Y2xlIjp7InZhbHVlIjoi' +
  'c3RyZWFtIiwidHlwZSI6InN0cmluZyJ9LCJzZW50cnkuc2VnbWVudC5uYW1lIjp7InZhbHVlIjoiR0VUIC/DvG7Dr2NvZGUiLCJ0' +
  'eXBlIjoic3RyaW5nIn0sInNlbnRyeS5zZWdtZW50LmlkIjp7InZhbHVlIjoiOWVlNjYzODJjNzg1MWUzNSIsInR5cGUiOiJzdHJp' +
  'bmcifSwic2VudHJ5LnNkay5uYW1lIjp7InZhbHVlIjoic2VudHJ5LmphdmFzY3JpcHQubm9kZSIsInR5cGUiOiJzdHJpbmcifSwi' +
  'c2VudHJ5LnNkay52ZXJzaW9uIjp7InZhbHVlIjoiMTEuMTIuMCIsInR5cGUiOiJzdHJpbmcifSwic2VudHJ5LnJlbGVhc2UiOnsi' +
  'dmFsdWUiOiJyZWNAMS4wLjAiLCJ0eXBlIjoic3RyaW5nIn0sInNlbnRyeS5lbnZpcm9ubWVudCI6eyJ2YWx1ZSI6InRlc3QiLCJ0' +
  'eXBlIjoic3RyaW5nIn0sInNlbnRyeS5zZGsuaW50ZWdyYXRpb25zIjp7InZhbHVlIjpbIlNwYW5TdHJlYW1pbmciXSwidHlwZSI6' +
  'ImFycmF5In19fV19',
  'base64',
);

describe('parseEnvelope: envelopes the real SDK sends', () => {
  it('reads an event with length-delimited attachments holding multibyte text and binary newlines', () => {
    const { header, items } = parsed(SDK_EVENT_WITH_ATTACHMENTS);
    expect(header).toMatchObject({
      event_id: '00d258cb9bfb466f989770a946479ede',
      sent_at: '2026-11-24T07:20:45.960Z',
      sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
      trace: { trace_id: 'aee4b8caae9d4e8b8364f5d9626acf5d', public_key: '0123456789abcdef0123456789abcdef', release: 'rec@1.0.0' },
      other: {},
    });
    expect(items.map((item) => item.type)).toEqual(['event', 'attachment', 'attachment']);
    expect(JSON.parse(items[0].payload.toString('utf8'))).toMatchObject({ message: 'boom ✓', level: 'info' });
    expect(items[1].header).toEqual({ type: 'attachment', length: 24, filename: 'notes.txt', other: {} });
    expect(items[1].payload.toString('utf8')).toBe('héllo 🌍\nsecond line\n');
    expect([...items[2].payload]).toEqual([0x00, 0x0a, 0xff, 0x0a, 0x0d, 0x0a]);
  });

  it('reads a span v2 batch with its item_count and content type', () => {
    const { header, items } = parsed(SDK_SPANS);
    expect(header.event_id).toBeUndefined();
    expect(header.trace).toMatchObject({ transaction: 'GET /ünïcode', sampled: 'true', sample_rate: '1' });
    expect(items).toHaveLength(1);
    expect(items[0].header).toEqual({ type: 'span', item_count: 2, content_type: 'application/vnd.sentry.items.span.v2+json', other: {} });
    const batch = JSON.parse(items[0].payload.toString('utf8'));
    expect(batch.version).toBe(2);
    expect(batch.items.map((span: { name: string }) => span.name)).toEqual(['child', 'GET /ünïcode']);
  });

  it('hands out payloads as views into the body, not copies', () => {
    const { items } = parsed(SDK_EVENT_WITH_ATTACHMENTS);
    for (const item of items) expect(item.payload.buffer).toBe(SDK_EVENT_WITH_ATTACHMENTS.buffer);
  });
});

describe("parseEnvelope: framing (the cases of Relay's envelope tests and more)", () => {
  it('accepts a header alone, with or without its newline', () => {
    expect(parsed(HEADER)).toEqual({ header: { event_id: EVENT_ID, dsn: DSN, other: {} }, items: [] });
    expect(parsed(`${HEADER}\n`).items).toEqual([]);
  });

  it('reads payloads without length up to the next newline or the end', () => {
    expect(payloads(`${HEADER}\n{"type":"attachment"}\nhelloworld\n`)).toEqual(['helloworld']);
    expect(payloads(`${HEADER}\n{"type":"attachment"}\nhelloworld`)).toEqual(['helloworld']);
    expect(payloads(`${HEADER}\n{"type":"event"}\n{"a":1}\n{"type":"transaction"}\n{"b":2}`)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('gives an item header that ends the body an empty payload', () => {
    expect(payloads(`${HEADER}\n{"type":"attachment"}`)).toEqual(['']);
    expect(payloads(`${HEADER}\n{"type":"attachment"}\n`)).toEqual(['']);
    expect(payloads(`${HEADER}\n{"type":"attachment","length":0}`)).toEqual(['']);
  });

  it('reads zero-length payloads followed by their newline', () => {
    const body = `${HEADER}\n{"type":"attachment","length":0}\n\n{"type":"attachment","length":0}\n`;
    expect(payloads(body)).toEqual(['', '']);
    expect(payloads(body.slice(0, -1))).toEqual(['', '']);
  });

  it('counts length in bytes, so multibyte payloads and payloads holding newlines work', () => {
    const text = 'ü🌍\n{"type":"not a header"}\n';
    const body = `${HEADER}\n{"type":"attachment","length":${Buffer.byteLength(text)}}\n${text}\n{"type":"event","length":8}\n{"ö":1}`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(text.length);
    expect(payloads(body)).toEqual([text, '{"ö":1}']);
  });

  it('keeps a BOM and CRLF inside a length-delimited payload byte for byte', () => {
    const payload = Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('Hello\r\n')]);
    const head = `${HEADER}\n{"type":"attachment","length":10,"content_type":"text/plain","filename":"hello.txt"}\n`;
    const [item] = parsed(Buffer.concat([Buffer.from(head), payload, Buffer.from('\n')])).items;
    expect(item.payload.equals(payload)).toBe(true);
    expect(item.header).toMatchObject({ content_type: 'text/plain', filename: 'hello.txt' });
  });

  it('skips blank lines where a header is expected: between items, at the end, before the envelope header', () => {
    expect(payloads(`${HEADER}\n{"type":"event"}\n{"a":1}\n\n\n{"type":"event"}\n{"b":2}\n\n`)).toEqual(['{"a":1}', '{"b":2}']);
    expect(payloads(`${HEADER}\n\n{"type":"event"}\n{"a":1}\n \r\n`)).toEqual(['{"a":1}']);
    expect(parsed(`\n  ${HEADER}\n`).header.event_id).toBe(EVENT_ID);
  });

  it('takes CRLF line ends after headers (JSON ignores the CR)', () => {
    expect(parsed(`${HEADER}\r\n{"type":"event","length":2}\r\n{}\n`).items[0].payload.toString()).toBe('{}');
  });

  it('keeps unknown item types and unknown header fields; null means absent', () => {
    const body = `{"event_id":null,"sent_at":null,"dsc":1,"sdk":"x"}\n{"type":"brand_new","platform":"js","item_count":null}\nhelloworld\n`;
    const { header, items } = parsed(body);
    expect(header).toEqual({ other: { dsc: 1, sdk: 'x' } });
    expect(items[0]).toMatchObject({ type: 'brand_new', header: { type: 'brand_new', other: { platform: 'js' } } });
    expect(items[0].header).not.toHaveProperty('item_count');
  });
});

describe('parseEnvelope: envelope header', () => {
  it('normalizes a dashed event id to 32 lower-case hex digits', () => {
    expect(parsed('{"event_id":"9EC79C33-EC99-42AB-8353-589FCB2E04DC"}').header.event_id).toBe(EVENT_ID);
  });

  it('moves a malformed sdk or trace to other instead of failing (Relay ignores a bad trace)', () => {
    const { header } = parsed('{"sdk":{"name":5},"trace":{"trace_id":["x"]}}');
    expect(header).toEqual({ other: { sdk: { name: 5 }, trace: { trace_id: ['x'] } } });
  });

  it.each([
    ['not JSON', '{"event_id":', /^envelope header is not valid JSON/],
    ['an array', '[1,2]', /not a JSON object/],
    ['a string', '"hello"', /not a JSON object/],
    ['a bad event_id', '{"event_id":"xyz"}', /"event_id" must be 32 hex digits or a UUID, got "xyz"/],
    ['a numeric event_id', '{"event_id":12}', /event_id/],
    ['a bad dsn', '{"dsn":"not a dsn"}', /"dsn" is not a valid DSN/],
    ['a dsn without project id', '{"dsn":"https://key@host/"}', /dsn/],
    ['a bad sent_at', '{"sent_at":"yesterday"}', /sent_at/],
    ['a numeric sent_at', '{"sent_at":1795504757}', /sent_at/],
  ])('rejects a header that is %s', (_what, header, detail) => {
    expect(failure(`${header}\n{"type":"event"}\n{}`)).toEqual({ code: 'header_invalid', detail: expect.stringMatching(detail) });
  });

  it('rejects an empty or whitespace-only body', () => {
    for (const body of ['', '\n', ' \r\n\t\n']) expect(failure(body).code).toBe('empty');
  });
});

describe('parseEnvelope: errors name the item', () => {
  it.each([
    ['is not JSON', '{"type":"event"', /^item 1: header is not valid JSON/],
    ['is an array', '["event"]', /^item 1: header is not a JSON object/],
    ['has no type', '{"length":2}', /^item 1: header has no "type"/],
    ['has a numeric type', '{"type":3}', /^item 1: "type" must be a string, got 3/],
    ['has a negative length', '{"type":"event","length":-1}', /"length" must be a non-negative integer, got -1/],
    ['has a fractional length', '{"type":"event","length":1.5}', /"length"/],
    ['has a string length', '{"type":"event","length":"2"}', /"length"/],
    ['has a bad item_count', '{"type":"span","item_count":-2}', /"item_count"/],
    ['has a numeric filename', '{"type":"attachment","filename":7}', /"filename" must be a string/],
    ['has an object content_type', '{"type":"event","content_type":{}}', /"content_type" must be a string/],
  ])('rejects an item header that %s', (_what, itemHeader, detail) => {
    const body = `${HEADER}\n{"type":"event"}\n{}\n${itemHeader}\n{}\n`;
    expect(failure(body)).toEqual({ code: 'item_header_invalid', detail: expect.stringMatching(detail) });
  });

  it('rejects headers nested past the depth limit without recursing into them', () => {
    const deepValue = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(failure(`{"event_id":${deepValue}}\n{"type":"event"}\n{}`)).toEqual({ code: 'header_invalid', detail: 'envelope header is nested deeper than 128 levels (the limit)' });
    expect(failure(`${HEADER}\n{"type":"event","x":${deepValue}}\n{}`)).toEqual({ code: 'item_header_invalid', detail: 'item 0: header is nested deeper than 128 levels (the limit)' });
  });

  it('rejects a length past the end of the body', () => {
    expect(failure(`${HEADER}\n{"type":"attachment","length":11}\nhelloworld`)).toEqual({
      code: 'length_mismatch',
      detail: 'item 0 (attachment): length 11 runs past the end of the body (10 bytes left)',
    });
    expect(failure(`${HEADER}\n{"type":"attachment","length":1}`).code).toBe('length_mismatch');
  });

  it('counts bytes, not characters, when checking a length', () => {
    // {"a":"ü"} is 9 characters but 10 bytes: a length in characters ends inside the payload.
    expect(failure(`${HEADER}\n{"type":"event","length":9}\n{"a":"ü"}\n`).code).toBe('missing_newline');
    expect(failure(`${HEADER}\n{"type":"event","length":11}\n{"a":"ü"}`).code).toBe('length_mismatch');
    expect(payloads(`${HEADER}\n{"type":"event","length":10}\n{"a":"ü"}`)).toEqual(['{"a":"ü"}']);
  });

  it('rejects a length-delimited payload not followed by a newline', () => {
    expect(failure(`${HEADER}\n{"type":"event"}\n{}\n{"type":"attachment","length":5}\nhelloworld\n`)).toEqual({
      code: 'missing_newline',
      detail: 'item 1 (attachment): no newline after its 5-byte payload',
    });
  });

  it('stops at the first item past maxItems; trailing blank lines are no item', () => {
    const body = `${HEADER}\n${'{"type":"client_report"}\n{}\n'.repeat(3)}`;
    expect(parsed(body, { ...LIMITS, maxItems: 3 }).items).toHaveLength(3);
    expect(parsed(`${body}\n\n`, { ...LIMITS, maxItems: 3 }).items).toHaveLength(3);
    expect(failure(body, { ...LIMITS, maxItems: 2 })).toEqual({ code: 'too_many_items', detail: 'item 2: the envelope holds more than 2 items' });
  });

  it('limits the payload size of items Pulse stores, to the byte', () => {
    const limits = { ...LIMITS, maxItemBytes: 10 };
    expect(payloads(`${HEADER}\n{"type":"event"}\n{"a":"ü"}`)).toHaveLength(1);
    expect(parsed(`${HEADER}\n{"type":"event"}\n{"a":"ü"}`, limits).items).toHaveLength(1);
    expect(failure(`${HEADER}\n{"type":"transaction"}\n{"a":"üü"}`, limits)).toEqual({
      code: 'item_too_large',
      detail: 'item 0 (transaction): 12 bytes, more than the 10 allowed',
    });
    for (const type of ['event', 'span', 'session', 'sessions']) {
      expect(failure(`${HEADER}\n{"type":"${type}","length":11}\n12345678901`, limits).code).toBe('item_too_large');
    }
  });

  it('does not limit dropped or unknown items unless told to, and takes per-kind overrides', () => {
    const limits = { ...LIMITS, maxItemBytes: 8 };
    const big = `${HEADER}\n{"type":"attachment","length":100}\n${'x'.repeat(100)}\n{"type":"brand_new"}\n${'y'.repeat(100)}`;
    expect(parsed(big, limits).items).toHaveLength(2);
    expect(failure(big, { ...limits, maxItemBytesByKind: { dropped: 50 } }).detail).toMatch(/^item 0 \(attachment\)/);
    expect(failure(big, { ...limits, maxItemBytesByKind: { unknown: 50 } }).detail).toMatch(/^item 1 \(brand_new\)/);
    const spans = `${HEADER}\n{"type":"span"}\n${'s'.repeat(20)}`;
    expect(parsed(spans, { ...limits, maxItemBytesByKind: { span: 20 } }).items).toHaveLength(1);
    expect(failure(spans, limits).code).toBe('item_too_large');
  });

  it('maps every error to 400, size limits to 413', () => {
    expect(ENVELOPE_ERROR_STATUS).toEqual({
      empty: 400,
      header_invalid: 400,
      item_header_invalid: 400,
      length_mismatch: 400,
      missing_newline: 400,
      too_many_items: 413,
      item_too_large: 413,
    });
  });
});

describe('itemKind', () => {
  it('names what Pulse stores, drops and does not know', () => {
    const stored = ['event', 'transaction', 'span', 'session', 'sessions', 'client_report'];
    expect(stored.map(itemKind)).toEqual(stored);
    const dropped = ['attachment', 'replay_event', 'replay_recording', 'profile', 'profile_chunk', 'check_in', 'feedback', 'user_report', 'log', 'otel_log', 'statsd', 'metric_buckets'];
    for (const type of dropped) expect(itemKind(type)).toBe('dropped');
    for (const type of ['brand_new', '', 'Event', 'constructor', '__proto__']) expect(itemKind(type)).toBe('unknown');
  });
});

// Speed is measured by benchmarks, not asserted here.
describe('parseEnvelope: large envelopes', () => {
  it('reads 20,000 items of both framings', () => {
    const item = `{"type":"attachment","length":1000}\n${'x'.repeat(1000)}\n{"type":"log"}\n${'y'.repeat(1000)}\n`;
    const body = Buffer.from(`${HEADER}\n${item.repeat(10_000)}`);
    expect(parseEnvelope(body, { ...LIMITS, maxItems: 100_000 })).toMatchObject({ ok: true, envelope: { items: { length: 20_000 } } });
  });
});
