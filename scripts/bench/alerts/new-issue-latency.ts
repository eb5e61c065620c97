// Phase 1 of the alerts benchmark: how long after ingest accepted the first event of a new error
// group its new-issue alert reaches a webhook. One `new_issue` rule; errors of distinct new groups
// sent one at a time, paced (4 a second by default), each timed from ingest's 200 to the receiver's
// arrival of the event_alert naming its event id. The path measured: ingest → Kafka → consumer
// (ClickHouse insert, issue processor) → the alerts app's errors consumer (which waits for the
// issue processor) → outbox → delivery worker → webhook.
import { waitUntil } from '@pulse/local-infra';
import type { WebhookReceiver } from '@pulse/notifiers/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { median, percentile, round } from '../stats';
import type { PulseClient } from '@pulse/testing';
import { arrivals, dataField } from './webhook-arrivals';

/** After the last send, how long a missing alert may still come before it counts as missed. */
const GRACE_MS = 60_000;

export interface NewIssueFigures {
  rule_id: number;
  events: number;
  /** Null for a single event. */
  sent_per_s: number | null;
  /** Alerts that arrived; the latencies are theirs. */
  alerted: number;
  missed: number;
  median_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
  /** Every event's latency in send order (null: missed). */
  latencies_ms: Array<number | null>;
}

export interface NewIssueOptions {
  client: PulseClient;
  webhook: WebhookReceiver;
  action: object;
  projectId: number;
  events: number;
  ratePerS: number;
  log: (line: string) => void;
}

export async function measureNewIssueLatency(options: NewIssueOptions): Promise<NewIssueFigures> {
  const { client, webhook, projectId, events, ratePerS, log } = options;
  const ruleId = await client.createRule(projectId, { name: 'bench: new issues', kind: 'issue', trigger: { type: 'new_issue' }, actions: [options.action] });
  log(`new-issue latency: rule ${ruleId}; ${events} errors of new groups at ${ratePerS} a second…`);
  const sent: Array<{ eventId: string; acceptedAtMs: number }> = [];
  const startMs = Date.now();
  for (let i = 0; i < events; i += 1) {
    const dueMs = startMs + (i * 1000) / ratePerS;
    if (dueMs > Date.now()) await sleep(dueMs - Date.now());
    sent.push(await client.sendError(projectId, `BenchNewIssue${i + 1}`));
  }
  // From the first send to the last accepted one: the rate the errors actually went out at.
  const sentPerS = events < 2 ? NaN : (events - 1) / Math.max(0.001, (sent[sent.length - 1].acceptedAtMs - startMs) / 1000);
  const arrivedAt = (): Map<string, number> => {
    const byEvent = new Map<string, number>();
    for (const arrival of arrivals(webhook, 'event_alert')) {
      const eventId = dataField(arrival.body, 'event', 'event_id');
      if (eventId !== undefined && !byEvent.has(eventId)) byEvent.set(eventId, arrival.receivedAtMs);
    }
    return byEvent;
  };
  try {
    await waitUntil('every new-issue alert', async () => sent.every((s) => arrivedAt().has(s.eventId)), { timeoutMs: GRACE_MS, intervalMs: 200 });
  } catch {
    log(`new-issue latency: ${sent.filter((s) => !arrivedAt().has(s.eventId)).length} alerts did not come within ${GRACE_MS / 1000} s of the last send`);
  }
  const byEvent = arrivedAt();
  const latencies = sent.map((s) => {
    const at = byEvent.get(s.eventId);
    return at === undefined ? null : at - s.acceptedAtMs;
  });
  const measured = latencies.filter((ms): ms is number => ms !== null);
  const orNull = (value: number) => (Number.isFinite(value) ? round(value, 1) : null);
  return {
    rule_id: ruleId,
    events,
    sent_per_s: Number.isFinite(sentPerS) ? round(sentPerS, 2) : null,
    alerted: measured.length,
    missed: events - measured.length,
    median_ms: orNull(median(measured)),
    p95_ms: orNull(percentile(measured, 95)),
    max_ms: measured.length === 0 ? null : Math.max(...measured),
    latencies_ms: latencies,
  };
}
