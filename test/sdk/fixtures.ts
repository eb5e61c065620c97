// Recorded SDK requests as committed fixtures (test/fixtures/recorded/*.json), and helpers to
// read them back and replay them against a server under test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RecordedRequest, decodeBody } from './recording-server';

/** One recorded request as stored in a fixture file. */
export interface RecordedFixtureRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Only content-type, content-encoding, user-agent, x-sentry-auth, authorization, origin (when sent). */
  headers: Record<string, string>;
  /** The body as sent, when it was sent without Content-Encoding (UTF-8 text). */
  bodyText?: string;
  /** The body bytes as sent (still encoded, see headers['content-encoding']), when it was encoded or not UTF-8. */
  bodyBase64?: string;
}

export const KEPT_HEADERS = ['content-type', 'content-encoding', 'user-agent', 'x-sentry-auth', 'authorization', 'origin'];

export const RECORDED_FIXTURES_DIR = resolve(findRepoRoot(__dirname), 'test', 'fixtures', 'recorded');

/** The repository root: the nearest folder up from `from` with the scenario sources (not dist/). */
export function findRepoRoot(from: string): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'test', 'sdk', 'scenarios', 'node', 'instrument.ts'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error(`no test/sdk/scenarios/node/instrument.ts above ${from}`);
    dir = parent;
  }
  return dir;
}

function isUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

export function toFixtureRequest(request: RecordedRequest): RecordedFixtureRequest {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    if (request.headers[name] !== undefined) headers[name] = request.headers[name];
  }
  const encoded = request.contentEncoding !== undefined && request.contentEncoding.toLowerCase() !== 'identity';
  const base = { method: request.method, path: request.path, query: request.query, headers };
  if (!encoded && isUtf8(request.rawBody)) return { ...base, bodyText: request.rawBody.toString('utf8') };
  return { ...base, bodyBase64: request.rawBody.toString('base64') };
}

/** The fixture names (`<sdk>-<mode>-<scenario>`, file names without .json) in test/fixtures/recorded. */
export function listRecordedFixtures(): string[] {
  return readdirSync(RECORDED_FIXTURES_DIR)
    .filter((name) => /^(node|browser)-.+\.json$/.test(name))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/** The native-SDK fixture names (`<python|go|java|rust>-<scenario>`) in test/fixtures/recorded. */
export function listNativeFixtures(): string[] {
  return readdirSync(RECORDED_FIXTURES_DIR)
    .filter((name) => /^(python|go|java|rust)-.+\.json$/.test(name))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

export function loadRecordedFixture(name: string): RecordedFixtureRequest[] {
  return JSON.parse(readFileSync(join(RECORDED_FIXTURES_DIR, `${name}.json`), 'utf8')) as RecordedFixtureRequest[];
}

/** The body bytes exactly as the SDK sent them (still Content-Encoded). */
export function fixtureRawBody(request: RecordedFixtureRequest): Buffer {
  if (request.bodyBase64 !== undefined) return Buffer.from(request.bodyBase64, 'base64');
  return Buffer.from(request.bodyText ?? '', 'utf8');
}

/** The body with its Content-Encoding undone. */
export function fixtureBody(request: RecordedFixtureRequest): Buffer {
  return decodeBody(fixtureRawBody(request), request.headers['content-encoding']);
}

export interface ReplayOptions {
  /** Replaces `sentry_key` in the query string (and in X-Sentry-Auth), e.g. with a key the server knows. */
  publicKey?: string;
  /** Replaces the project id in `/api/<id>/...`. */
  projectId?: string | number;
}

/** Sends one recorded request to `baseUrl` (e.g. `http://127.0.0.1:3000`) as the SDK sent it. */
export async function replayFixtureRequest(baseUrl: string, request: RecordedFixtureRequest, options: ReplayOptions = {}): Promise<Response> {
  const path = options.projectId === undefined ? request.path : request.path.replace(/^\/api\/[^/]+\//, `/api/${options.projectId}/`);
  const query = new URLSearchParams(request.query);
  if (options.publicKey !== undefined && query.has('sentry_key')) query.set('sentry_key', options.publicKey);
  const headers: Record<string, string> = { ...request.headers };
  delete headers['origin'];
  if (options.publicKey !== undefined && headers['x-sentry-auth']) {
    headers['x-sentry-auth'] = headers['x-sentry-auth'].replace(/sentry_key=[^,\s]+/, `sentry_key=${options.publicKey}`);
  }
  const search = query.toString();
  return fetch(`${baseUrl}${path}${search ? `?${search}` : ''}`, {
    method: request.method,
    headers,
    ...(request.method !== 'GET' && request.method !== 'OPTIONS' && { body: fixtureRawBody(request) }),
  });
}
