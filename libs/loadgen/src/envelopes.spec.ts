import { parseUserAgent } from '@pulse/model';
import { BROWSERS } from './catalog/browsers';
import { PAGES } from './catalog/pages';
import { ROUTES } from './catalog/routes';
import { SPAN_V2_CONTENT_TYPE } from './envelope';
import { SENT_AT_TAG } from './events/build-context';
import { LEGACY_BROWSER_SDK_VERSION } from './events/pageload-envelopes';
import { generate, Generated } from './testing/generate';
import { countsOf, PulseReader, ReadEnvelope } from './testing/pulse-reader';

/**
 * The key property: every envelope the generator sends is one Pulse takes whole. Each is read by
 * Pulse's own parser, validators, normalizers and time rules (PulseReader); nothing may be left out,
 * and the records must be exactly those the generator declares (which is what the run's summary
 * reports as `records`).
 */
function readAll(generated: Generated[]): Array<Generated & { read: ReadEnvelope }> {
  const reader = new PulseReader();
  return generated.map((item) => ({ ...item, read: reader.read(item.envelope.body, item.nowMs + 5) }));
}

describe('every generated envelope, read by Pulse', () => {
  const all = [1, 2024].flatMap((seed) => readAll(generate(2000, { seed, idSeed: seed })));

  it('parses, validates and normalizes with nothing left out', () => {
    const problems = all.flatMap(({ read, kind }) => read.problems.map((problem) => `${kind}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('gives exactly the records the generator declares', () => {
    const mismatches = all.filter(({ read, envelope }) => JSON.stringify(countsOf(read.records)) !== JSON.stringify(envelope.expected));
    expect(mismatches.map(({ kind, envelope, read }) => ({ kind, expected: envelope.expected, got: countsOf(read.records) })).slice(0, 3)).toEqual([]);
  });

  it('is written as the JS SDKs write it: one item, no length, no trailing newline, auth-free header', () => {
    const violations = all.flatMap(({ kind, envelope, read }) => {
      const [item] = read.envelope.items;
      const batch = item.type === 'span' ? (JSON.parse(item.payload.toString()) as { items: unknown[] }) : undefined;
      const trace = Object.values(read.envelope.header.trace ?? {});
      return [
        envelope.body.endsWith('\n') && 'trailing newline',
        read.envelope.items.length !== 1 && `${read.envelope.items.length} items`,
        item.header.length !== undefined && 'item length',
        read.envelope.header.dsn !== undefined && 'dsn in the header',
        read.envelope.header.sent_at === undefined && 'no sent_at',
        batch && (item.header.content_type !== SPAN_V2_CONTENT_TYPE || item.header.item_count !== batch.items.length) && 'span item header',
        trace.some((value) => typeof value !== 'string') && 'DSC value not a string',
      ]
        .filter((violation): violation is string => typeof violation === 'string')
        .map((violation) => `${kind}: ${violation}`);
    });
    expect(violations).toEqual([]);
  });

  it('covers both SDK generations and every item type Pulse stores', () => {
    const shapes = new Set(
      all.map(({ kind, envelope, read }) => {
        const type = read.envelope.items[0].type;
        return `${kind}/${type}/${envelope.client}${envelope.sdkVersion === LEGACY_BROWSER_SDK_VERSION ? '/legacy' : ''}`;
      }),
    );
    expect([...shapes].sort()).toEqual(
      [
        'error/event/browser',
        'error/event/node',
        'pageload/span/browser',
        'pageload/transaction/browser',
        'pageload/transaction/browser/legacy',
        'server/span/node',
        'server/transaction/node',
        'session/session/browser',
        'session/session/node',
        'session/sessions/node',
        'web-vitals/span/browser',
      ].sort(),
    );
  });

  it('names transactions and Web Vital pages from the catalog only (late vitals find their page)', () => {
    const names = new Set([...PAGES.map((page) => page.name), ...ROUTES.map((route) => `${route.method} ${route.route}`)]);
    const pages = new Set(PAGES.map((page) => page.name));
    const unknown = all.flatMap(({ read }) => [
      // URL-named pages (streamed `Pageload` + url.path, classic path) have static paths: their catalog names.
      ...read.records.transactions.filter((transaction) => !names.has(transaction.name)).map((transaction) => `transaction ${transaction.name}`),
      ...read.records.webVitals.filter((vital) => !pages.has(vital.page)).map((vital) => `${vital.vital} of page ${vital.page}`),
    ]);
    expect(unknown).toEqual([]);
  });

  it('carries browsers Pulse recognizes from the User-Agent, as the catalog names them', () => {
    for (const browser of BROWSERS) expect(parseUserAgent(browser.userAgent).browserName).toBe(browser.name);
    const seen = new Set(all.flatMap(({ read }) => read.records.webVitals.map((vital) => vital.browserName)));
    expect([...seen].sort()).toEqual([...new Set(BROWSERS.map((browser) => browser.name))].sort());
  });

  it('tags classic transactions and errors with loadgen.sent_at = the send time', () => {
    const tagged = all.flatMap(({ read, nowMs }) => [...read.records.transactions, ...read.records.errors].filter((record) => Object.keys(record.tags).length > 0).map((record) => ({ record, nowMs })));
    expect(tagged.length).toBeGreaterThan(1000);
    for (const { record, nowMs } of tagged) expect(record.tags[SENT_AT_TAG]).toBe(String(nowMs));
  });

  it('sends no tag when tagSentAt is off', () => {
    const records = readAll(generate(300, { tagSentAt: false })).flatMap(({ read }) => [...read.records.transactions, ...read.records.errors]);
    expect(records.every((record) => Object.keys(record.tags).length === 0)).toBe(true);
  });

  it('puts every record before the send time, within the last hours (no future or ancient timestamps)', () => {
    const outside = all.flatMap(({ kind, read, nowMs }) => {
      const { transactions, spans, webVitals, errors, sessions } = read.records;
      const ends = [...transactions, ...spans, ...webVitals, ...errors, ...sessions].map((record) => record.timestampMs);
      return ends.filter((end) => end > nowMs || end < nowMs - 6 * 3_600_000).map((end) => `${kind}: ends ${end - nowMs} ms after its send`);
    });
    expect(outside).toEqual([]);
  });
});

describe('error grouping', () => {
  const errors = readAll(generate(6000, { seed: 5, mix: { pageload: 0, server: 0, error: 1, session: 0 } })).flatMap(({ read }) => read.records.errors);
  const byFingerprint = new Map<string, number>();
  for (const error of errors) byFingerprint.set(error.fingerprint, (byFingerprint.get(error.fingerprint) ?? 0) + 1);

  it('gives a handful of recurring groups that take ~85% of the errors (±2 points)', () => {
    const recurring = [...byFingerprint.values()].filter((count) => count >= 20);
    // 9 recurring groups, one of them (the canary regression) only on the canary release.
    expect(recurring).toHaveLength(9);
    const share = recurring.reduce((sum, count) => sum + count, 0) / errors.length;
    expect(Math.abs(share - 0.85)).toBeLessThan(0.02);
  });

  it('gives a long tail of one-offs: nearly every other error is a group of its own', () => {
    const tail = [...byFingerprint.values()].filter((count) => count < 20);
    const tailErrors = tail.reduce((sum, count) => sum + count, 0);
    expect(tail.filter((count) => count === 1).length / tailErrors).toBeGreaterThan(0.9);
  });
});
