// Checks the committed recordings of the official Python, Go, Java and Rust SDKs
// (test/fixtures/recorded/<sdk>-<scenario>.json) and the hand-written grouping expectations in
// expected-grouping.json against them. Runs no toolchain: re-recording is a manual step
// (node test/sdk/run-ts.js test/sdk/record-native-fixtures.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvelope } from './envelope';
import { RECORDED_FIXTURES_DIR, fixtureBody, listNativeFixtures, loadRecordedFixture } from './fixtures';
import { ExpectedGroupingEntry, deriveExpectedGrouping, primaryStack, recordedEvents, topAppFrame } from './native-grouping';
import { CLIENT_REPORT_RATE_LIMITS, NATIVE_SCENARIOS, NATIVE_SDKS, NativeSdk, UNSUPPORTED_SCENARIOS } from './native-scenarios';
import { PROJECT_ID, PUBLIC_KEY } from './node-scenarios';
import { startRecordingServer } from './recording-server';

const names = listNativeFixtures();
const expected = JSON.parse(readFileSync(join(RECORDED_FIXTURES_DIR, 'expected-grouping.json'), 'utf8')) as ExpectedGroupingEntry[];
const sdkOf = (file: string): NativeSdk => file.split('-', 1)[0] as NativeSdk;

describe('native SDK recordings', () => {
  it('cover every SDK and scenario the SDK has an API for', () => {
    const wanted = NATIVE_SDKS.flatMap((sdk) => NATIVE_SCENARIOS.filter((scenario) => !UNSUPPORTED_SCENARIOS[sdk]?.includes(scenario)).map((scenario) => `${sdk}-${scenario}`));
    expect(names).toEqual([...wanted].sort());
  });

  it.each(names)('%s: envelope POSTs authenticated with the DSN key', (name) => {
    const requests = loadRecordedFixture(name);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/api/${PROJECT_ID}/envelope/`);
      // Python, Go, Java and Rust authenticate with X-Sentry-Auth, never in the query string.
      expect(request.headers['x-sentry-auth']).toMatch(new RegExp(`sentry_key=${PUBLIC_KEY}\\b`));
      const envelope = parseEnvelope(fixtureBody(request));
      expect(envelope.items.length).toBeGreaterThan(0);
      for (const item of envelope.items) expect(item.json).toBeDefined();
    }
  });

  it.each(names.filter((name) => name.endsWith('-client-report')))('%s: reports the events dropped after the 429', (name) => {
    const reports = loadRecordedFixture(name)
      .flatMap((request) => parseEnvelope(fixtureBody(request)).items)
      .filter((item) => item.header.type === 'client_report')
      .flatMap((item) => (item.json as { discarded_events: Array<{ reason: string; category: string; quantity: number }> }).discarded_events);
    const dropped = reports.filter((entry) => entry.reason === 'ratelimit_backoff' && entry.category === 'error').reduce((sum, entry) => sum + entry.quantity, 0);
    expect(dropped).toBe(2);
  });
});

describe('expected-grouping.json', () => {
  it('has one entry for every recorded event, derived from the committed recordings', () => {
    const derived = names.flatMap((name) => deriveExpectedGrouping(sdkOf(name), `${name}.json`, loadRecordedFixture(name)));
    expect(expected).toEqual(derived);
  });

  it.each(expected.map((entry) => [`${entry.file} ${entry.group} ${entry.eventId}`, entry] as const))(
    '%s: the stack and its top app frame are where the expectation says',
    (_label, entry) => {
      const recorded = recordedEvents(loadRecordedFixture(entry.file.replace(/\.json$/, ''))).find((candidate) => candidate.eventId === entry.eventId);
      if (!recorded) throw new Error(`${entry.file} has no event ${entry.eventId}`);
      expect(primaryStack(recorded.event).stackIn).toBe(entry.stackIn);
      expect(topAppFrame(sdkOf(entry.file), recorded.event)).toEqual(entry.topAppFrame);
    },
  );

  it.each(NATIVE_SDKS)('%s: three same-site errors, two payment messages, one of each other kind', (sdk) => {
    const groups = expected.filter((entry) => sdkOf(entry.file) === sdk).map((entry) => entry.group);
    const count = (group: string): number => groups.filter((candidate) => candidate === group).length;
    expect(count('errors.same-site')).toBe(3);
    expect(count('errors.other')).toBe(1);
    expect(count('errors.chained')).toBe(1);
    expect(count('message.payment')).toBe(2);
    expect(count('message.log')).toBe(1);
  });
});

describe('recording server rate limiting (the client-report scenario)', () => {
  it('answers the next envelope 429 with X-Sentry-Rate-Limits and Retry-After, then 200 again', async () => {
    const server = await startRecordingServer();
    try {
      const post = (): Promise<Response> => fetch(`${server.origin}/api/42/envelope/`, { method: 'POST', body: '{"event_id":"0123456789abcdef0123456789abcdef"}\n{"type":"event"}\n{}' });
      server.rateLimitNext(1, CLIENT_REPORT_RATE_LIMITS);
      const limited = await post();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-sentry-rate-limits')).toBe(CLIENT_REPORT_RATE_LIMITS);
      expect(limited.headers.get('retry-after')).toBe('60');
      const accepted = await post();
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toEqual({ id: '0123456789abcdef0123456789abcdef' });
      expect(server.take()).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
