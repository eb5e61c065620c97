// Phase 3 of the alerts benchmark: many metric rules (1,000 by default) evaluated every 10 s by one
// alerts instance, under background traffic, and what that costs. First, with the background
// traffic alone (after a warm-up), the CPU of ClickHouse and of the alerts process over
// BASELINE_SECONDS: what the rules' figures are set against (ClickHouse also takes the traffic's
// inserts). Then the rules (rule-mix.ts) are
// created through the API across the projects; once every one has been evaluated and one more
// period has passed (their schedule settled), the alerts app's /metrics is read at the start of
// each 10 s period, and /proc gives the CPU seconds of the alerts process and of the ClickHouse
// server in the same periods (evaluation-figures.ts makes the figures). Once a second, PostgreSQL
// says how long ago the least recently evaluated rule was evaluated: the direct check that no rule
// falls behind its 10 s.
import { waitUntil } from '@pulse/local-infra';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessMonitor } from '../e2e/process-monitor';
import { scrapeMetrics } from '../prometheus';
import { round } from '../stats';
import { LoadSummary, MetricsReading, PERIOD_SECONDS, PeriodFigures, periodFigures, readMetrics, roundsOf, summarizeLoad } from './evaluation-figures';
import type { PulseClient } from '@pulse/testing';
import { metricRuleMix } from './rule-mix';
import type { RuleStateReader } from './rule-state-reader';

const CREATE_CONCURRENCY = 8;
/** The background traffic runs this long before the baseline is measured (its first inserts, merges). */
const WARMUP_SECONDS = 10;
const BASELINE_SECONDS = 30;
/** Between the period readings: at most one round (ticks start at least 1 s apart) per reading. */
const FINE_READING_MS = 500;

/** CPU seconds per 10 s with the background traffic and no load rule. */
export interface LoadBaseline {
  seconds: number;
  clickhouse_cpu_s_per_10s: number | null;
  alerts_cpu_s_per_10s: number | null;
}

export interface RuleLoadFigures extends LoadSummary {
  rules: number;
  projects: number;
  created_in_s: number;
  baseline: LoadBaseline;
  periods_measured: PeriodFigures[];
  /** The largest "seconds since the least recently evaluated rule was evaluated", sampled each second. */
  oldest_evaluation_age_max_s: number | null;
  /** Whether /proc gave the ClickHouse server's CPU (a local server this run started). */
  clickhouse_process_measured: boolean;
}

export interface RuleLoadOptions {
  client: PulseClient;
  states: RuleStateReader;
  monitor: ProcessMonitor;
  alertsUrl: string;
  action: object;
  projectIds: readonly number[];
  rules: number;
  periods: number;
  /** Whether the monitor watches a `clickhouse` process. */
  clickhouseWatched: boolean;
  log: (line: string) => void;
}

export async function measureRuleLoad(options: RuleLoadOptions): Promise<RuleLoadFigures> {
  const { client, states, monitor, log } = options;
  const planned = metricRuleMix(options.rules, options.projectIds, [options.action]);
  const baseline = await measureBaseline(monitor, options.clickhouseWatched, log);
  log(`evaluation load: creating ${planned.length} metric rules across ${options.projectIds.length} projects…`);
  const createStartMs = Date.now();
  const ruleIds: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CREATE_CONCURRENCY, planned.length) }, async () => {
      while (next < planned.length) {
        const { projectId, rule } = planned[next++];
        ruleIds.push(await client.createRule(projectId, rule));
        if (ruleIds.length % 250 === 0) log(`  ${ruleIds.length} rules created`);
      }
    }),
  );
  const createdInS = round((Date.now() - createStartMs) / 1000, 1);
  log(`evaluation load: ${ruleIds.length} rules created in ${createdInS} s; waiting for every one's first evaluation…`);
  await waitUntil('the first evaluation of every load rule', async () => (await states.evaluatedCount(ruleIds)) === ruleIds.length, { timeoutMs: 180_000, intervalMs: 1000 });
  // One more period: rules created over several seconds settle into their 10 s schedule.
  await sleep(PERIOD_SECONDS * 1000);

  const oldest: { maxS: number | null } = { maxS: null };
  let sampling = true;
  const ages = (async () => {
    while (sampling) {
      const age = await states.oldestEvaluationAgeS(ruleIds);
      if (age !== null) oldest.maxS = Math.max(oldest.maxS ?? 0, age);
      await sleep(1000);
    }
  })();
  const read = async (): Promise<MetricsReading> => {
    const text = await scrapeMetrics(options.alertsUrl);
    const atMs = Date.now();
    monitor.sample();
    return readMetrics(text, atMs);
  };
  const periods: PeriodFigures[] = [];
  const readings: MetricsReading[] = [];
  try {
    let previous = await read();
    readings.push(previous);
    const startMs = previous.atMs;
    for (let i = 1; i <= options.periods; i += 1) {
      const boundaryMs = startMs + i * PERIOD_SECONDS * 1000;
      // Half-second readings up to the period's end (roundsOf), the last one at the boundary.
      for (;;) {
        await sleep(Math.max(0, Math.min(FINE_READING_MS, boundaryMs - Date.now())));
        readings.push(await read());
        if (Date.now() >= boundaryMs) break;
      }
      const reading = readings[readings.length - 1];
      const cpu = (name: string) => monitor.cpuSeconds(name, previous.atMs, reading.atMs);
      const period = periodFigures(previous, reading, { clickhouse: options.clickhouseWatched ? cpu('clickhouse') : null, alerts: cpu('alerts') });
      periods.push(period);
      log(
        `  period ${i}: ${period.rules_evaluated} rules evaluated in ${period.rounds} rounds (${period.round_seconds} s of rounds, slowest ≤ ${period.slowest_round_at_most_s ?? '>30'} s), ` +
          `${period.clickhouse_queries} ClickHouse reads (${period.clickhouse_seconds} s); CPU s: ClickHouse ${period.clickhouse_cpu_s ?? 'not measured'}, alerts ${period.alerts_cpu_s ?? 'not measured'}`,
      );
      previous = reading;
    }
  } finally {
    sampling = false;
    await ages;
  }
  return {
    rules: ruleIds.length,
    projects: options.projectIds.length,
    created_in_s: createdInS,
    baseline,
    ...summarizeLoad(ruleIds.length, periods, roundsOf(readings)),
    periods_measured: periods,
    oldest_evaluation_age_max_s: oldest.maxS === null ? null : round(oldest.maxS, 2),
    clickhouse_process_measured: options.clickhouseWatched,
  };
}

/** CPU of ClickHouse and of the alerts app with the background traffic only, per 10 s. */
async function measureBaseline(monitor: ProcessMonitor, clickhouseWatched: boolean, log: (line: string) => void): Promise<LoadBaseline> {
  log(`evaluation load: ${WARMUP_SECONDS} s of background traffic, then ${BASELINE_SECONDS} s of it without the load rules (the baseline)…`);
  await sleep(WARMUP_SECONDS * 1000);
  monitor.sample();
  const fromMs = Date.now();
  await sleep(BASELINE_SECONDS * 1000);
  monitor.sample();
  const toMs = Date.now();
  const seconds = (toMs - fromMs) / 1000;
  const per10s = (cpuS: number): number | null => (Number.isFinite(cpuS) ? round((cpuS * PERIOD_SECONDS) / seconds, 3) : null);
  const baseline = {
    seconds: round(seconds, 2),
    clickhouse_cpu_s_per_10s: clickhouseWatched ? per10s(monitor.cpuSeconds('clickhouse', fromMs, toMs)) : null,
    alerts_cpu_s_per_10s: per10s(monitor.cpuSeconds('alerts', fromMs, toMs)),
  };
  log(`  baseline per 10 s: CPU s: ClickHouse ${baseline.clickhouse_cpu_s_per_10s ?? 'not measured'}, alerts ${baseline.alerts_cpu_s_per_10s ?? 'not measured'}`);
  return baseline;
}
