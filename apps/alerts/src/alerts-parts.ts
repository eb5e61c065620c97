import type { ClickHouseClient } from '@clickhouse/client';
import {
  DeliveryWorker,
  IssueAlertEvaluator,
  MetricRuleEvaluator,
  ReleaseRuleEvaluator,
  RuleScheduler,
  ScheduledEvaluator,
  ShardLeases,
} from '@pulse/alerts';
import { AlertValuesService, CachedRollupTiers, CanaryService, ClickHouseAnalyticsRepository, IssueAlertCountsService } from '@pulse/analytics';
import type { AlertsConfig, ProjectRegistry } from '@pulse/config';
import { createPostgresPool } from '@pulse/state';
import { createClickHouse, readRollupStarts } from '@pulse/storage';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { AlertsMetrics } from './alerts.metrics';

/**
 * The working parts of one alerts instance, built from its configuration: the PostgreSQL pool
 * (rules, state, incidents, the outbox), the ClickHouse reads of the evaluations, the issue alert
 * evaluator the errors consumer calls, the scheduler of metric and release rules over the shards
 * this instance leases, and the outbox's delivery worker. Plain objects: the module only starts and
 * stops them, and /ready reads their status.
 */
export interface AlertsParts {
  pool: Pool;
  clickhouse: ClickHouseClient;
  issueAlerts: IssueAlertEvaluator;
  scheduler: RuleScheduler;
  deliveries: DeliveryWorker;
}

export function createAlertsParts(config: AlertsConfig, registry: ProjectRegistry, metrics: AlertsMetrics, logger: Logger): AlertsParts {
  // Issue batches of several partitions, the scheduler's per-rule transactions, the outbox's claims and records, /ready.
  const pool = createPostgresPool({ url: config.databaseUrl, maxConnections: 12, applicationName: `pulse-alerts ${config.alertsInstanceId}` });
  const clickhouse = createClickHouse(config.clickhouse, { requestTimeoutMs: (config.alertsMaxExecutionSeconds + 5) * 1000 });
  // Evaluation reads are the server's own, not a tenant's: the read-class limits bound each one all the same.
  const repository = new ClickHouseAnalyticsRepository(clickhouse, {
    maxExecutionSeconds: config.alertsMaxExecutionSeconds,
    maxThreads: 2,
    maxMemoryUsageBytes: 2 * 1024 ** 3,
    maxConcurrentQueriesForUser: 0,
    osThreadPriority: 0,
  }, () => logger.error('an evaluation read returned more rows than the analytics limit and was refused'));
  const rollupTiers = new CachedRollupTiers(
    () => readRollupStarts(clickhouse),
    (error) => logger.warn({ err: error }, 'cannot read rollup_tiers, reading the minute rollups only for now'),
  );
  const issueAlerts = new IssueAlertEvaluator(pool, new IssueAlertCountsService(repository), { projects: registry, waitForIssuesMs: config.alertsWaitForIssuesMs });
  const evaluators = [
    countedMetric(new MetricRuleEvaluator(pool, new AlertValuesService(repository, rollupTiers)), metrics),
    countedRelease(new ReleaseRuleEvaluator(pool, new CanaryService(repository, rollupTiers)), metrics),
  ];
  const leases = new ShardLeases(pool, { instanceId: config.alertsInstanceId, leaseMs: config.alertsLeaseMs });
  const scheduler = new RuleScheduler(pool, leases, evaluators, {
    tickMs: config.alertsTickMs,
    onTick: (report) => {
      metrics.ownedShards.set(report.ownedShards.length);
      for (const [kind, count] of Object.entries(report.evaluatedRules)) metrics.evaluations.inc({ kind }, count);
    },
    onError: (error, source) => {
      metrics.schedulerErrors.inc({ kind: source });
      logger.error({ err: error, source }, `alert evaluation failed (${source})`);
    },
  });
  const deliveries = new DeliveryWorker(pool, {
    instanceId: config.alertsInstanceId,
    timeoutMs: config.alertsDeliveryTimeoutMs,
    leaseMs: Math.max(30_000, config.alertsDeliveryTimeoutMs * 3),
    maxAttempts: config.alertsDeliveryMaxAttempts,
    pollMs: config.alertsDeliveryPollMs,
    onOutcome: (outcome) => {
      metrics.deliveries.inc({ destination: outcome.destination, outcome: outcome.outcome });
      metrics.deliverySeconds.observe({ destination: outcome.destination }, outcome.latencyMs / 1000);
    },
    onError: (error) => logger.error({ err: error }, 'the outbox cannot claim or record deliveries'),
  });
  return { pool, clickhouse, issueAlerts, scheduler, deliveries };
}

/** The metric evaluator with its rounds timed and its transitions and ClickHouse time counted. */
function countedMetric(evaluator: MetricRuleEvaluator, metrics: AlertsMetrics): ScheduledEvaluator<'metric'> {
  return {
    kind: 'metric',
    evaluate: (rules, nowMs) =>
      timed(metrics, 'metric', async () => {
        const result = await evaluator.evaluate(rules, nowMs);
        metrics.transitions.inc({ kind: 'metric' }, result.transitions);
        metrics.clickhouseSeconds.inc({ kind: 'metric' }, result.clickhouseMs / 1000);
        metrics.clickhouseQueries.inc({ kind: 'metric' }, result.queries);
        return result;
      }),
  };
}

/** The release evaluator with its rounds timed and its notifications counted. */
function countedRelease(evaluator: ReleaseRuleEvaluator, metrics: AlertsMetrics): ScheduledEvaluator<'release'> {
  return {
    kind: 'release',
    evaluate: (rules, nowMs) =>
      timed(metrics, 'release', async () => {
        const result = await evaluator.evaluate(rules, nowMs);
        metrics.transitions.inc({ kind: 'release' }, result.notified);
        return result;
      }),
  };
}

async function timed<T>(metrics: AlertsMetrics, kind: 'metric' | 'release', work: () => Promise<T>): Promise<T> {
  const stop = metrics.evaluationSeconds.startTimer({ kind });
  try {
    return await work();
  } finally {
    stop();
  }
}
