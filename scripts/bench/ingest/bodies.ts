import { DEFAULT_MIX, EnvelopeKind, SDK_NAMES, Workload } from '@pulse/loadgen';
import { gzipSync } from 'node:zlib';
import type { PreparedRequest } from './closed-loop';

/** The page origin browser envelopes carry (libs/loadgen/src/catalog/pages.ts SHOP_ORIGIN; not exported by @pulse/loadgen). */
const SHOP_ORIGIN = 'https://shop.example';
/** @sentry/node gzips bodies over 32 KiB (as libs/loadgen/src/http-transport.ts does). */
const NODE_GZIP_THRESHOLD_BYTES = 32 * 1024;
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
 * `count` envelopes from the load generator's workload (its default mix, SDK shapes and sequels),
 * built once before any timing, with the path and headers its HTTP transport would send: auth in
 * the query string, browser envelopes as text/plain with the page's Origin, Node ones without a
 * content type (gzipped above 32 KiB). Timestamps are those of generation time; a run is far
 * shorter than any of ingest's time rules (55 min clock drift, 30 days in the past).
 */
export function prepareRequests(options: { count: number; seed: number; projects: ReadonlyArray<{ id: number; key: string }> }): PreparedBodies {
  const started = performance.now();
  const workload = new Workload({
    seed: options.seed,
    idSeed: options.seed + 1,
    publicKeys: options.projects.map((project) => project.key),
    mix: { ...DEFAULT_MIX },
    users: USERS,
    tagSentAt: false,
  });
  const requests: PreparedRequest[] = [];
  const envelopesByKind: Partial<Record<EnvelopeKind, number>> = {};
  let events = 0;
  let bytes = 0;
  let records = 0;
  const nowMs = Date.now();
  for (let i = 0; i < options.count; i++) {
    const planned = workload.next();
    const envelope = planned.build(nowMs);
    const project = options.projects[planned.projectIndex];
    const client = `${SDK_NAMES[envelope.client]}/${envelope.sdkVersion}`;
    const path = `/api/${project.id}/envelope/?sentry_version=7&sentry_key=${encodeURIComponent(project.key)}&sentry_client=${encodeURIComponent(client)}`;
    let body = Buffer.from(envelope.body, 'utf8');
    const headers: Record<string, string> = { 'user-agent': envelope.userAgent };
    if (envelope.client === 'browser') {
      headers['content-type'] = 'text/plain;charset=UTF-8';
      headers.origin = SHOP_ORIGIN;
    } else if (body.length > NODE_GZIP_THRESHOLD_BYTES) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.length);
    requests.push({ path, body, headers, events: planned.events });
    envelopesByKind[planned.kind] = (envelopesByKind[planned.kind] ?? 0) + 1;
    events += planned.events;
    bytes += body.length;
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
