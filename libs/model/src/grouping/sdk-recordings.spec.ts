import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeItem } from '../normalize-item';
import type { ErrorRecord } from '../error.record';
import { recordedErrorFiles, recordedEvents, recordedFixturesDir, RecordedEvent } from '../testing/recorded-sdk-events';
import { CURRENT_GROUPING_CONFIG } from './index';

/**
 * Grouping of what real SDKs send (test/fixtures/recorded/: @sentry/node and @sentry/browser 11.12,
 * and the Python, Go, Java and Rust recordings), against test/fixtures/recorded/expected-grouping.json:
 * events with one label share a fingerprint, events with different labels do not, culprits match.
 */
const DIR = recordedFixturesDir();
const ctx = { projectId: 42, receivedAtMs: 1_796_000_000_000, generateEventId: () => 'ffffffffffff4fff8fffffffffffffff' };

interface Grouped extends RecordedEvent {
  record: ErrorRecord;
}

/** One entry of expected-grouping.json (its README section says how they were derived). */
interface Expectation {
  file: string;
  eventId: string;
  group: string;
  culprit: string;
  stackIn: 'exception' | 'threads' | 'none';
}

function grouped(files: readonly string[]): Grouped[] {
  return files.flatMap((file) =>
    recordedEvents(DIR, file)
      .filter((event) => event.itemType === 'event')
      .map((event) => {
        const result = normalizeItem('event', event.payload, ctx);
        if (!result.ok) throw new Error(`${event.key}: ${result.reason}`);
        const record = result.records.errors[0];
        if (!record) throw new Error(`${event.key}: no error record`);
        return { ...event, record };
      }),
  );
}

const expectations = JSON.parse(readFileSync(join(DIR, 'expected-grouping.json'), 'utf8')) as Expectation[];
const expectedFiles = [...new Set(expectations.map((e) => e.file))].sort();
const sdkOf = (file: string) => file.slice(0, file.indexOf('-'));
const eventIdOf = (event: Grouped) => String((event.payload as { event_id?: unknown }).event_id ?? '').replace(/-/g, '').toLowerCase();

const events = grouped([...new Set([...recordedErrorFiles(DIR), ...expectedFiles])].sort());

describe('recorded SDK events', () => {
  it('are all read and grouped under the current config', () => {
    expect(events.length).toBeGreaterThan(0);
    for (const { record } of events) {
      expect(record.groupingConfig).toBe(CURRENT_GROUPING_CONFIG);
      expect(record.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(record.secondaryFingerprint).toMatch(/^(?:[0-9a-f]{32})?$/);
    }
  });
});


describe.each([...new Set(expectedFiles.map(sdkOf))])('recorded %s SDK events against expected-grouping.json', (sdk) => {
  const cases = expectations.filter((e) => sdkOf(e.file) === sdk).map((expectation) => {
    const event = events.find((e) => e.file === expectation.file && eventIdOf(e) === expectation.eventId.replace(/-/g, '').toLowerCase());
    if (!event) throw new Error(`${expectation.file}: no event ${expectation.eventId}`);
    return { expectation, record: event.record };
  });

  it('puts events with one label in one group and events with different labels in different groups', () => {
    const byLabel = new Map<string, Set<string>>();
    for (const { expectation, record } of cases) byLabel.set(expectation.group, (byLabel.get(expectation.group) ?? new Set()).add(record.fingerprint));
    const labelsOf = new Map<string, string[]>();
    for (const [label, fingerprints] of byLabel) for (const fingerprint of fingerprints) labelsOf.set(fingerprint, [...(labelsOf.get(fingerprint) ?? []), label]);
    expect(Object.fromEntries([...byLabel].map(([label, fingerprints]) => [label, fingerprints.size]))).toEqual(Object.fromEntries([...byLabel.keys()].map((label) => [label, 1])));
    expect([...labelsOf.values()].filter((labels) => labels.length > 1)).toEqual([]);
  });

  it('gives each event the expected culprit', () => {
    expect(cases.map(({ expectation, record }) => [expectation.file, expectation.eventId, record.culprit])).toEqual(
      cases.map(({ expectation }) => [expectation.file, expectation.eventId, expectation.culprit]),
    );
  });
});

describe('recorded @sentry/node and @sentry/browser 11.12 events', () => {
  const jsFiles = recordedErrorFiles(DIR).filter((file) => /^(node|browser)-static-/.test(file));
  const fingerprints = (file: string) => events.filter((e) => e.file === file).map((e) => e.record.fingerprint);

  it.each(jsFiles)('%s: the stream-mode recording groups exactly as the static one, and its events apart', (file) => {
    const staticPrints = fingerprints(file);
    expect(staticPrints.length).toBeGreaterThan(0);
    expect(fingerprints(file.replace('-static-', '-stream-'))).toEqual(staticPrints);
    expect(new Set(staticPrints).size).toBe(staticPrints.length);
  });

  it('takes culprits from the last in-app frame', () => {
    const culprits = events.filter((e) => e.file === 'node-static-error.json').map((e) => e.record.culprit);
    expect(culprits).toEqual(['level3(error)', 'main(error)']);
  });
});
