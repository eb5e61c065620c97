import { SENT_AT_TAG } from '../events/build-context';
import { generate, Generated, T0_MS } from '../testing/generate';
import { countsOf, PulseReader } from '../testing/pulse-reader';

/**
 * With `reuse` > 1 pageloads and server transactions are rendered from templates. What must hold
 * is what holds for built envelopes (envelopes.spec.ts), plus: ids are new on every send (ingest
 * deduplicates on them) and timestamps follow the send time (ingest moves stale ones).
 */
const STEP_MS = 2;
/** Send times that drift away from the template's build time: 1 s per envelope. */
const drifting = (index: number): number => T0_MS + index * 1000;

function readAll(generated: Generated[]) {
  const reader = new PulseReader();
  return generated.map((item) => ({ ...item, read: reader.read(item.envelope.body, item.nowMs + 5) }));
}

describe('templated workload (reuse 8)', () => {
  const all = readAll(generate(3000, { seed: 11, idSeed: 12, reuse: 8, clock: drifting }));
  const primaries = all.filter((g) => g.kind === 'pageload' || g.kind === 'server');

  it('is read by Pulse whole, with exactly the records declared', () => {
    expect(all.flatMap(({ read, kind }) => read.problems.map((problem) => `${kind}: ${problem}`))).toEqual([]);
    const mismatches = all.filter(({ read, envelope }) => JSON.stringify(countsOf(read.records)) !== JSON.stringify(envelope.expected));
    expect(mismatches.slice(0, 3).map(({ kind, envelope, read }) => ({ kind, expected: envelope.expected, got: countsOf(read.records) }))).toEqual([]);
  });

  it('reuses content: far fewer distinct pageload and server bodies than sends, once ids and times are masked', () => {
    const masked = new Set(primaries.map((g) => g.envelope.body.replace(/[0-9a-f]{16,32}|\d{10}(\.\d+)?|\d{4}-\d\d-\d\dT[\d:.]+Z/g, '#')));
    expect(masked.size).toBeLessThan(primaries.length / 4);
    expect(masked.size).toBeGreaterThan(primaries.length / 16);
  });

  it('sends new trace, span and event ids every time', () => {
    // A page's late Web Vitals carry its trace id again: count the envelopes with events only.
    const traceIds = all.filter((g) => g.events > 0).flatMap((g) => g.envelope.traceIds);
    expect(new Set(traceIds).size).toBe(traceIds.length);
    const eventIds = all.flatMap((g) => [...g.envelope.body.matchAll(/"event_id":"([0-9a-f]{32})"/g)].map((m) => m[1]));
    // The header and the payload of one event name the same id: count each envelope's ids once.
    const perEnvelope = all.map((g) => new Set([...g.envelope.body.matchAll(/"event_id":"([0-9a-f]{32})"/g)].map((m) => m[1])));
    expect(perEnvelope.every((ids) => ids.size <= 1)).toBe(true);
    expect(new Set(eventIds).size).toBe(perEnvelope.reduce((sum, ids) => sum + ids.size, 0));
    const spanIds = all.flatMap(({ read }) => read.records.spans.map((span) => span.spanId));
    expect(new Set(spanIds).size).toBe(spanIds.length);
  });

  it('keeps every record just before its send time, though the send times drift 1 s per envelope from the build', () => {
    const outside = primaries.flatMap(({ kind, read, nowMs }) => {
      const { transactions, spans, webVitals } = read.records;
      return [...transactions, ...spans, ...webVitals].map((record) => record.timestampMs).filter((end) => end > nowMs || end < nowMs - 60_000).map((end) => `${kind}: ${end - nowMs} ms`);
    });
    expect(outside).toEqual([]);
    const sentAt = all.filter((g) => g.events > 0).map((g) => ({ header: JSON.parse(g.envelope.body.split('\n')[0]) as { sent_at: string }, nowMs: g.nowMs }));
    expect(sentAt.filter(({ header, nowMs }) => header.sent_at !== new Date(nowMs).toISOString())).toEqual([]);
  });

  it('tags classic transactions with loadgen.sent_at = the send time', () => {
    const tagged = all.flatMap(({ read, nowMs }) => read.records.transactions.filter((t) => t.tags[SENT_AT_TAG] !== undefined).map((t) => ({ tag: t.tags[SENT_AT_TAG], nowMs })));
    expect(tagged.length).toBeGreaterThan(300);
    expect(tagged.filter(({ tag, nowMs }) => tag !== String(nowMs))).toEqual([]);
  });

  it('sends a page\'s late Web Vitals with the page\'s trace and span ids, so they find their page', () => {
    const pages = new Map<string, string>();
    for (const { read } of all) for (const t of read.records.transactions) pages.set(t.traceId, t.name);
    const late = all.filter((g) => g.kind === 'web-vitals');
    expect(late.length).toBeGreaterThan(100);
    const orphans = late.flatMap(({ read }) => read.records.webVitals.filter((vital) => pages.get(vital.traceId) !== vital.page).map((vital) => `${vital.vital} ${vital.page}`));
    expect(orphans).toEqual([]);
  });

  it('plans the same sequence for the same seeds (content and ids), byte for byte on a fixed clock', () => {
    const clock = (index: number) => T0_MS + index * STEP_MS;
    const bodies = () => generate(800, { seed: 3, idSeed: 4, reuse: 8, clock }).map((g) => g.envelope.body);
    expect(bodies()).toEqual(bodies());
  });

  it('renders the first send of a content byte for byte as the builder wrote it, but for the ids', () => {
    const clock = () => T0_MS;
    const mask = (body: string) => body.replace(/"[0-9a-f]{32}"|"[0-9a-f]{16}"/g, '"ID"');
    const built = generate(1, { seed: 21, mix: { pageload: 0, server: 1, error: 0, session: 0 }, clock });
    const rendered = generate(1, { seed: 21, mix: { pageload: 0, server: 1, error: 0, session: 0 }, reuse: 4, clock });
    expect(mask(rendered[0].envelope.body)).toBe(mask(built[0].envelope.body));
  });
});
