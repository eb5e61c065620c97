import { generate, PUBLIC_KEY, T0_MS } from './testing/generate';

/** Trace, span, event and session ids (16 or 32 hex digits) → "ID", to compare content alone. */
const withoutIds = (body: string): string => body.replace(/\b[0-9a-f]{16}(?:[0-9a-f]{16})?\b/g, 'ID');
const bodies = (list: ReturnType<typeof generate>): string[] => list.map((g) => g.envelope.body);
const NO_SESSIONS = { pageload: 0.4, server: 0.4, error: 0.2, session: 0 };

describe('Workload determinism', () => {
  it('sends the same envelopes, byte for byte, for the same seeds on the same clock', () => {
    expect(bodies(generate(1500, { seed: 3, idSeed: 4 }))).toEqual(bodies(generate(1500, { seed: 3, idSeed: 4 })));
  });

  it('sends the same content with other ids for the same content seed and another id seed', () => {
    const a = bodies(generate(1500, { seed: 3, idSeed: 4 }));
    const b = bodies(generate(1500, { seed: 3, idSeed: 5 }));
    expect(b).not.toEqual(a);
    expect(b.map(withoutIds)).toEqual(a.map(withoutIds));
  });

  it('sends other content for another seed', () => {
    const a = generate(200, { seed: 3 }).map((g) => withoutIds(g.envelope.body));
    const b = generate(200, { seed: 4 }).map((g) => withoutIds(g.envelope.body));
    expect(a.filter((body, i) => body === b[i])).toEqual([]);
  });

  it('leaves the content of the other events unchanged when some are never sent (a run that is behind)', () => {
    const sameTime = () => T0_MS;
    const primaries = (list: ReturnType<typeof generate>) => list.filter((g) => g.events > 0).map((g) => withoutIds(g.envelope.body));
    // More plans than the run that skips: its primaries come sooner (fewer late Web Vitals in between).
    const all = primaries(generate(2000, { seed: 8, mix: NO_SESSIONS, clock: sameTime }));
    let primary = 0;
    const skipped = new Set<number>();
    const behind = generate(1500, {
      seed: 8,
      mix: NO_SESSIONS,
      clock: sameTime,
      skip: (_, planned) => {
        if (planned.events === 0) return false;
        const ordinal = primary++;
        if (ordinal % 7 === 3) skipped.add(ordinal);
        return skipped.has(ordinal);
      },
    });
    const kept = primaries(behind);
    const expected = all.filter((_, ordinal) => !skipped.has(ordinal));
    expect(kept.length).toBeGreaterThan(1000);
    expect(expected.length).toBeGreaterThanOrEqual(kept.length);
    expect(kept).toEqual(expected.slice(0, kept.length));
  });
});

describe('Workload sequels and projects', () => {
  const generated = generate(6000, { seed: 12, publicKeys: [PUBLIC_KEY, 'b'.repeat(32), 'c'.repeat(32)] });

  // Due 5–100 envelopes after the page; two due at once go out one after the other, hence the slack.
  it('sends the late Web Vitals of a page 5–100 envelopes after it (+ slack), to the same project', () => {
    const pages = new Map(generated.filter((g) => g.kind === 'pageload').map((g) => [g.envelope.traceIds[0], g]));
    const late = generated.filter((g) => g.kind === 'web-vitals');
    expect(late.length).toBeGreaterThan(500);
    for (const vitals of late) {
      const page = pages.get(vitals.envelope.traceIds[0]);
      expect(page).toBeDefined();
      expect(vitals.index - (page?.index ?? 0)).toBeGreaterThanOrEqual(5);
      expect(vitals.index - (page?.index ?? 0)).toBeLessThanOrEqual(110);
      expect(vitals.projectIndex).toBe(page?.projectIndex);
    }
  });

  it('sends the later updates of a session after its first, with init only on the first', () => {
    const sessions = generated.filter((g) => g.envelope.body.includes('{"type":"session"}')).map((g) => ({ g, payload: JSON.parse(g.envelope.body.split('\n')[2]) as { sid: string; init: boolean; status: string } }));
    const bySid = new Map<string, typeof sessions>();
    for (const session of sessions) bySid.set(session.payload.sid, [...(bySid.get(session.payload.sid) ?? []), session]);
    const continued = [...bySid.values()].filter((updates) => updates.length > 1);
    expect(continued.length).toBeGreaterThan(10);
    for (const updates of bySid.values()) {
      expect(updates.map((u) => u.payload.init)).toEqual(updates.map((_, i) => i === 0));
      expect(new Set(updates.map((u) => u.g.projectIndex)).size).toBe(1);
    }
  });

  it('spreads events evenly over the projects (each a third, ±2 points) and names each project key in the DSC', () => {
    const events = generated.filter((g) => g.events > 0);
    for (const project of [0, 1, 2]) expect(Math.abs(events.filter((g) => g.projectIndex === project).length / events.length - 1 / 3)).toBeLessThan(0.02);
    const keys = [PUBLIC_KEY, 'b'.repeat(32), 'c'.repeat(32)];
    for (const g of generated) {
      const header = JSON.parse(g.envelope.body.split('\n')[0]) as { trace?: { public_key: string } };
      if (header.trace) expect(header.trace.public_key).toBe(keys[g.projectIndex]);
    }
  });
});
