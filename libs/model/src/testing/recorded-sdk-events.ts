import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { parseEnvelope } from '@pulse/protocol';

/**
 * Test support (read by specs only): the error events real SDKs sent, from the recordings in
 * test/fixtures/recorded/ (`<sdk>-<scenario>.json`, `[{path, headers, bodyText | bodyBase64}]`),
 * in arrival order, each with the item type its envelope header gave it.
 */
export interface RecordedEvent {
  /** `<file>#<n>`: the n-th event item (from 0) of the file. */
  key: string;
  file: string;
  itemType: string;
  payload: unknown;
}

interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  bodyText?: string;
  bodyBase64?: string;
}

export function recordedFixturesDir(from: string = __dirname): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'test', 'fixtures', 'recorded'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error(`no test/fixtures/recorded above ${from}`);
    dir = parent;
  }
  return join(dir, 'test', 'fixtures', 'recorded');
}

/** Recording files whose events are errors or messages (not sessions, transactions or client reports). */
export function recordedErrorFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => /-(errors?|crash|message)\.json$/.test(name)).sort();
}

function bodyOf(request: RecordedRequest): Buffer {
  if (request.bodyText !== undefined) return Buffer.from(request.bodyText, 'utf8');
  const raw = Buffer.from(request.bodyBase64 ?? '', 'base64');
  const encoding = (request.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding === 'gzip') return gunzipSync(raw);
  if (encoding === 'deflate') return inflateSync(raw);
  if (encoding === 'br') return brotliDecompressSync(raw);
  return raw;
}

/** The `event` and `transaction` items of one recording file (store requests: the body, typed by its `type`). */
export function recordedEvents(dir: string, file: string): RecordedEvent[] {
  const requests = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RecordedRequest[];
  const events: RecordedEvent[] = [];
  for (const request of requests) {
    const body = bodyOf(request);
    if (!request.path.includes('/envelope')) {
      const payload: unknown = JSON.parse(body.toString('utf8'));
      const type = (payload as { type?: unknown }).type === 'transaction' ? 'transaction' : 'event';
      events.push({ key: `${file}#${events.length}`, file, itemType: type, payload });
      continue;
    }
    const parsed = parseEnvelope(body, { maxItems: 1000, maxItemBytes: 64 * 1024 * 1024 });
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error.detail}`);
    for (const item of parsed.envelope.items) {
      if (item.type !== 'event' && item.type !== 'transaction') continue;
      events.push({ key: `${file}#${events.length}`, file, itemType: item.type, payload: JSON.parse(item.payload.toString('utf8')) as unknown });
    }
  }
  return events;
}
