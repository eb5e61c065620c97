// Phase 2 of the alerts benchmark: how long a metric alert takes to fire and to resolve. R p95
// rules (window 60 s, evaluated every 10 s, critical above 500 ms, resolved below 300 ms), each on
// a transaction name of its own, already on their schedule (evaluated once, with no data) before
// anything is sent. Per rule:
//   fire:    slow transactions (800 ms, timestamped now) are sent; from the instant ingest accepted
//            the last of them (the condition holds in the data from then) to the arrival of the
//            `triggered` webhook.
//   resolve: the slow rows leave the 60 s window at (their latest timestamp + 60 s); fast ones
//            (100 ms, timestamped when sent) go out every few seconds meanwhile, so the window
//            holds data below the resolve threshold; from that instant to the `resolved` webhook.
// The rules' sends are spread over one evaluation period, so their evaluations fall at different
// points of it and the figures are not one phase counted R times.
import { waitUntil } from '@pulse/local-infra';
import type { WebhookReceiver } from '@pulse/notifiers/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { median, round } from '../stats';
import type { PulseClient } from '@pulse/testing';
import type { RuleStateReader } from './rule-state-reader';
import { arrivals, dataField } from './webhook-arrivals';

const WINDOW_MS = 60_000;
const EVALUATE_EVERY_S = 10;
const SLOW_MS = 800;
const FAST_MS = 100;
const SLOW_COUNT = 20;
const FAST_EVERY_MS = 3_000;
const FAST_COUNT = 5;
/** How long after the slow rows were accepted the alert may take before the rule counts as not fired. */
const FIRE_TIMEOUT_MS = 90_000;
/** How long after the slow rows left the window the resolve may take. */
const RESOLVE_TIMEOUT_MS = 90_000;

export interface MetricRuleFigures {
  rule_id: number;
  transaction: string;
  /** Accepted by ingest (ms epoch): the last slow transaction. */
  slow_accepted_at_ms: number;
  fire_ms: number | null;
  /** The latest slow timestamp + 60 s. */
  slow_rows_left_window_at_ms: number;
  resolve_ms: number | null;
}

export interface MetricLatencyFigures {
  rules: MetricRuleFigures[];
  fire_median_ms: number | null;
  fire_max_ms: number | null;
  resolve_median_ms: number | null;
  resolve_max_ms: number | null;
  /** Rules that did not fire, or did not resolve, within the timeouts. */
  not_fired: number;
  not_resolved: number;
}

export interface MetricLatencyOptions {
  client: PulseClient;
  webhook: WebhookReceiver;
  states: RuleStateReader;
  action: object;
  projectId: number;
  rules: number;
  log: (line: string) => void;
}

export async function measureMetricLatency(options: MetricLatencyOptions): Promise<MetricLatencyFigures> {
  const { client, webhook, states, projectId, log } = options;
  const transactions = Array.from({ length: options.rules }, (_, i) => `GET /bench/latency-${i + 1}`);
  const ruleIds: number[] = [];
  for (const [i, transaction] of transactions.entries()) {
    ruleIds.push(
      await client.createRule(projectId, {
        name: `bench: p95 of ${transaction}`,
        kind: 'metric',
        aggregate: 'p95',
        dataset: 'transactions',
        filters: { transaction },
        windowSeconds: WINDOW_MS / 1000,
        evaluateEverySeconds: EVALUATE_EVERY_S,
        critical: { above: 500 },
        resolve: { below: 300 },
        actions: [options.action],
      }),
    );
    log(`metric latency: rule ${ruleIds[i]} on ${transaction}`);
  }
  await waitUntil('the first evaluation of every latency rule', async () => (await states.evaluatedCount(ruleIds)) === ruleIds.length, { timeoutMs: 60_000, intervalMs: 200 });

  const alertOf = (ruleId: number, action: 'triggered' | 'resolved') =>
    arrivals(webhook, 'metric_alert').find((arrival) => arrival.body.action === action && dataField(arrival.body, 'rule', 'id') === String(ruleId));
  const startMs = Date.now();
  const figures = await Promise.all(
    ruleIds.map(async (ruleId, i): Promise<MetricRuleFigures> => {
      // Spread over one evaluation period.
      await sleep(Math.max(0, startMs + (i * EVALUATE_EVERY_S * 1000) / ruleIds.length - Date.now()));
      const transaction = transactions[i];
      const slowEndMs = Date.now();
      const slowAcceptedMs = await client.sendTransactions(projectId, Array.from({ length: SLOW_COUNT }, (_, k) => ({ name: transaction, durationMs: SLOW_MS + k, endMs: slowEndMs })));
      const leftWindowMs = slowEndMs + WINDOW_MS;
      let fireMs: number | null = null;
      try {
        await waitUntil(`the triggered alert of rule ${ruleId}`, async () => alertOf(ruleId, 'triggered') !== undefined, { timeoutMs: FIRE_TIMEOUT_MS, intervalMs: 100 });
        fireMs = alertOf(ruleId, 'triggered')!.receivedAtMs - slowAcceptedMs;
      } catch (error) {
        log(`metric latency: ${error instanceof Error ? error.message : String(error)}`);
      }
      let resolveMs: number | null = null;
      if (fireMs !== null) {
        // Fast ones, sent until the resolve arrives (or its deadline): the window is never empty.
        let resolved = false;
        const feeding = (async () => {
          while (!resolved && Date.now() < leftWindowMs + RESOLVE_TIMEOUT_MS) {
            await client.sendTransactions(projectId, Array.from({ length: FAST_COUNT }, (_, k) => ({ name: transaction, durationMs: FAST_MS + k, endMs: Date.now() })));
            await sleep(FAST_EVERY_MS);
          }
        })();
        try {
          await waitUntil(`the resolved alert of rule ${ruleId}`, async () => alertOf(ruleId, 'resolved') !== undefined, { timeoutMs: leftWindowMs + RESOLVE_TIMEOUT_MS - Date.now(), intervalMs: 100 });
          resolveMs = alertOf(ruleId, 'resolved')!.receivedAtMs - leftWindowMs;
        } catch (error) {
          log(`metric latency: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          resolved = true;
          await feeding;
        }
      }
      log(`metric latency: rule ${ruleId}: fired after ${fireMs ?? 'never'} ms, resolved ${resolveMs ?? 'never'} ms after its slow rows left the window`);
      return { rule_id: ruleId, transaction, slow_accepted_at_ms: slowAcceptedMs, fire_ms: fireMs, slow_rows_left_window_at_ms: leftWindowMs, resolve_ms: resolveMs };
    }),
  );
  const fires = figures.flatMap((f) => (f.fire_ms === null ? [] : [f.fire_ms]));
  const resolves = figures.flatMap((f) => (f.resolve_ms === null ? [] : [f.resolve_ms]));
  const orNull = (values: number[], pick: (values: number[]) => number) => (values.length === 0 ? null : round(pick(values), 1));
  return {
    rules: figures,
    fire_median_ms: orNull(fires, median),
    fire_max_ms: orNull(fires, (v) => Math.max(...v)),
    resolve_median_ms: orNull(resolves, median),
    resolve_max_ms: orNull(resolves, (v) => Math.max(...v)),
    not_fired: figures.length - fires.length,
    not_resolved: figures.length - resolves.length,
  };
}
