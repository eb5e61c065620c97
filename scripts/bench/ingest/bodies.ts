import { EnvelopeKind, EventMix, parseTarget, sdkRequest, Workload } from '@pulse/loadgen';
import type { PreparedRequest } from './request-loop';

/** Users in the generator's pool (its default). */
const USERS = 1000;

export interface PreparedBodies {
  requests: PreparedRequest[];
  generationSeconds: number;
  eventsPerEnvelope: number;
  meanBodyBytes: number;
  envelopesByKind: Partial<Record<EnvelopeKind, number>>;
  /** Records Pulse stores per envelope on average (transactions + spans + vitals + errors + sessions). */
  recordsPerEnvelope: number;
}

/**
 * `count` envelopes from the load generator's workload (the given mix, its SDK shapes and sequels),
 * built once before any timing, each with the path, headers and body its HTTP transport would
 * send (`sdkRequest`). Timestamps are those of generation time; a run is far shorter than any of
 * ingest's time rules (55 min clock drift, 30 days in the past).
 */
export function prepareRequests(options: { count: number; seed: number; mix: EventMix; projects: ReadonlyArray<{ id: number; key: string }> }): PreparedBodies {
  const started = performance.now();
  const workload = new Workload({
    seed: options.seed,
    idSeed: options.seed + 1,
    publicKeys: options.projects.map((project) => project.key),
    mix: { ...options.mix },
    users: USERS,
    tagSentAt: false,
  });
  // Only the path of a target matters here: the closed loop sends to the port it is given.
  const targets = options.projects.map((project) => parseTarget(`http://${project.key}@127.0.0.1/${project.id}`));
  const requests: PreparedRequest[] = [];
  const envelopesByKind: Partial<Record<EnvelopeKind, number>> = {};
  let events = 0;
  let bytes = 0;
  let records = 0;
  const nowMs = Date.now();
  for (let i = 0; i < options.count; i++) {
    const planned = workload.next();
    const envelope = planned.build(nowMs);
    const { path, headers, body } = sdkRequest(targets[planned.projectIndex], envelope);
    const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    requests.push({ path, body: bodyBytes, headers, events: planned.events });
    envelopesByKind[planned.kind] = (envelopesByKind[planned.kind] ?? 0) + 1;
    events += planned.events;
    bytes += bodyBytes.length;
    const e = envelope.expected;
    records += e.transactions + e.spans + e.webVitals + e.errors + e.sessions;
  }
  return {
    requests,
    generationSeconds: Math.round((performance.now() - started) / 10) / 100,
    eventsPerEnvelope: Math.round((events / options.count) * 1000) / 1000,
    meanBodyBytes: Math.round(bytes / options.count),
    envelopesByKind,
    recordsPerEnvelope: Math.round((records / options.count) * 100) / 100,
  };
}
