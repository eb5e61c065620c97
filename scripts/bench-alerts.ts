// Alerts benchmark (`npm run bench:alerts -- [flags]`, after `npm run build`):
//   node dist/scripts/bench-alerts.js [--new-issues 40] [--new-issue-rate 4] [--rounds 3] [--rules 1000]
//                                     [--projects 10] [--load-periods 6] [--background-rate 50]
//                                     [--partitions 4] [--seed 42] [--out FILE]
//
// The whole stack on this machine, as the end-to-end benchmark starts it (BenchStack: local Kafka,
// ClickHouse and PostgreSQL unless KAFKA_BROKERS / CLICKHOUSE_URL / DATABASE_URL are set, the run's
// own databases and topics), with the four apps (the alerts app with ALERTS_TICK_MS=1000, the
// other settings at their defaults), a PULSE_CONFIG of --projects projects with one read-and-write
// token, and a real local webhook receiver (@pulse/notifiers/testing) that checks every request's
// signature and shape. Three phases, in this order:
//   1. New-issue alert latency: scripts/bench/alerts/new-issue-latency.ts.
//   2. Metric alert latency (fire and resolve): scripts/bench/alerts/metric-latency.ts.
//   3. Evaluation load: --rules metric rules every 10 s under background traffic (the load
//      generator in a child process, as bench-e2e runs it): scripts/bench/alerts/rule-load.ts.
// Every rule sends to the receiver. The targets (docs/benchmarks.md, "Alerts") are judged with the
// suite's rules and printed last. Results: tables on stdout, JSON in
// bench/results/<timestamp>-alerts.json (or --out). A local Kafka listens on 29392 and a local
// ClickHouse on 28323; everything is stopped at the end, also on failure or Ctrl-C.
import { LocalClickHouse } from '@pulse/local-infra';
import { startWebhookReceiver, WebhookReceiver } from '@pulse/notifiers/testing';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { measureMetricLatency } from './bench/alerts/metric-latency';
import { measureNewIssueLatency } from './bench/alerts/new-issue-latency';
import { readAlertsOptions } from './bench/alerts/options';
import { PulseClient } from '@pulse/testing';
import { printAlertsResult } from './bench/alerts/result-table';
import { measureRuleLoad } from './bench/alerts/rule-load';
import { RuleStateReader } from './bench/alerts/rule-state-reader';
import { arrivals, dataField } from './bench/alerts/webhook-arrivals';
import { BenchStack, tuningEnv } from './bench/e2e/bench-stack';
import { LoadgenProcess } from './bench/e2e/loadgen-process';
import { appMain, checkPrerequisites } from './bench/preflight';
import { benchProjects, writePulseConfig } from './bench/pulse-config';
import { machine, saveResult } from './bench/report';
import { runMain } from './bench/run-main';
import { stopOnSignal } from './bench/stop-on-signal';
import { combineSuite } from './bench/suite/suite-result';
import { ALERT_TARGETS } from './bench/suite/targets';
import { printColumns } from './bench/table';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse bench alerts: ${line}`);
const KAFKA_PORT = 29392;
const CLICKHOUSE_PORT = 28323;
const APPS = ['consumer', 'ingest', 'query', 'alerts'] as const;
const ALERTS_ENV = { ALERTS_TICK_MS: '1000' };
/** The first project takes the latency phases' rules and events. */
const LATENCY_PROJECT = 1;
/** The background traffic runs until the load phase ends (then it is stopped): longer than any run. */
const BACKGROUND_MAX_SECONDS = 6 * 3600;

async function main(): Promise<number> {
  const options = readAlertsOptions();
  const loadgenScript = join('dist', 'scripts', 'bench', 'e2e', 'loadgen-child.js');
  checkPrerequisites(root, [...APPS.map(appMain), loadgenScript]);
  const startedAt = new Date();
  const projects = benchProjects(Array.from({ length: options.projects }, (_, i) => i + 1));
  const secret = randomBytes(16).toString('hex');
  let token = '';
  const bench = new BenchStack({
    name: 'bench_alerts',
    root,
    kafkaPort: KAFKA_PORT,
    clickhousePort: CLICKHOUSE_PORT,
    partitions: options.partitions,
    apps: APPS,
    env: ALERTS_ENV,
    writeConfig: (path) => (token = writePulseConfig(path, projects)),
    log,
  });
  let webhook: WebhookReceiver | undefined;
  let states: RuleStateReader | undefined;
  let loadgen: LoadgenProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await loadgen?.kill();
      await states?.close().catch(() => undefined);
      await bench.stop();
      await webhook?.stop();
    })());
  stopOnSignal(log, cleanUp);

  try {
    webhook = await startWebhookReceiver({ secret });
    await bench.start();
    bench.monitor.watch('bench', process.pid);
    states = new RuleStateReader(bench.postgres!.url);
    const client = new PulseClient(`http://127.0.0.1:${bench.ingestPort}`, bench.app('query').url, new Map(projects.map((p) => [p.id, { key: p.key, token }])));
    const action = { type: 'webhook', url: `${webhook.url}/hook`, secret };

    const newIssue = await measureNewIssueLatency({ client, webhook, action, projectId: LATENCY_PROJECT, events: options.newIssues, ratePerS: options.newIssueRate, log });
    const metric = await measureMetricLatency({ client, webhook, states, action, projectId: LATENCY_PROJECT, rules: options.rounds, log });

    log(`evaluation load: background traffic at ${options.backgroundRate} events/s over ${projects.length} projects`);
    loadgen = new LoadgenProcess(
      join(root, loadgenScript),
      { dsns: projects.map((p) => bench.dsn(p)), rate: options.backgroundRate, durationS: BACKGROUND_MAX_SECONDS, concurrency: 64, seed: options.seed, idSeed: randomBytes(4).readUInt32BE(0), samplePercent: 0.01 },
      { onSample: () => undefined },
    );
    bench.monitor.watch('loadgen', loadgen.pid);
    const clickhouseWatched = bench.infra?.started.some((service) => service instanceof LocalClickHouse) ?? false;
    const load = await measureRuleLoad({
      client,
      states,
      monitor: bench.monitor,
      alertsUrl: bench.app('alerts').url,
      action,
      projectIds: projects.map((p) => p.id),
      rules: options.rules,
      periods: options.loadPeriods,
      clickhouseWatched,
      log,
    });
    bench.monitor.unwatch('loadgen');
    await loadgen.kill();
    loadgen = undefined;

    const result = {
      benchmark: 'alerts',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      new_issue: newIssue,
      metric,
      rule_load: load,
      webhook: {
        accepted: webhook.received.length,
        refused: webhook.invalid.length,
        refusals: webhook.invalid.slice(0, 10).map((request) => request.reason),
        // The load rules' thresholds are meant to stay quiet; any that notified are named here.
        load_rule_notifications: loadNotifications(webhook),
      },
      targets: ALERT_TARGETS,
      stated_not_measured: 'Sentry evaluates a metric alert once a minute after a 30 s delay (so 30–90 s from the data to the evaluation that sees it); that reference is stated, not measured here',
      options: {
        ...options,
        alerts_env: ALERTS_ENV,
        kafka: process.env.KAFKA_BROKERS ? 'external' : `local, port ${KAFKA_PORT}`,
        clickhouse: process.env.CLICKHOUSE_URL ? 'external' : `local (chdb), port ${CLICKHOUSE_PORT}`,
        postgres: process.env.DATABASE_URL ? 'external' : 'local',
        tuning_env: tuningEnv(),
      },
      machine: machine(root),
    };
    printAlertsResult(newIssue, metric, load);
    if (webhook.invalid.length > 0) log(`the webhook receiver refused ${webhook.invalid.length} requests: ${result.webhook.refusals.join('; ')}`);
    console.log('');
    console.log('Targets');
    const checks = combineSuite({ alerts: result }).targets.filter((check) => check.what.startsWith('alerts'));
    printColumns(['target', 'wanted', 'measured', 'result'], checks.map((t) => [t.what, t.target, t.measured, t.status]), [false, false, false, false]);
    console.log(`  reference (stated, not measured): ${result.stated_not_measured}`);
    saveResult(log, root, 'alerts', startedAt, result, options.out);
    return 0;
  } finally {
    await cleanUp();
  }
}

/** The metric alerts of the load phase's rules (named `load …`, rule-mix.ts): how many, and by which rules. */
function loadNotifications(webhook: WebhookReceiver): { count: number; rules: string[] } {
  const names = arrivals(webhook, 'metric_alert').flatMap((arrival) => {
    const name = dataField(arrival.body, 'rule', 'name');
    return name !== undefined && name.startsWith('load ') ? [`${name} (${String(arrival.body.action)})`] : [];
  });
  return { count: names.length, rules: [...new Set(names)].slice(0, 20) };
}

runMain('pulse bench alerts', main);
