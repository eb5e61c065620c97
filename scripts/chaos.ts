// Chaos run (`npm run chaos -- [flags]`, after `npm run build`): does a 200 from ingest mean the
// event is stored, exactly once, when a Kafka broker dies or ClickHouse goes away under load?
//   node dist/scripts/chaos.js [--scenarios broker-kill,clickhouse-down] [--rate 100]
//                              [--warmup-seconds 10] [--broker-down-seconds 15]
//                              [--clickhouse-down-seconds 60] [--clickhouse-fault stop|kill]
//                              [--after-seconds 20] [--drain-timeout-seconds 180] [--projects 6]
//                              [--partitions 3] [--max-in-flight 2000] [--request-timeout-ms 30000] [--out FILE]
//
// One stack for every scenario (scripts/chaos/stack.ts): a 3-broker KRaft cluster (replication
// factor 3, min.insync.replicas 2), a ClickHouse and a PostgreSQL server of its own, the migrations
// and the three built apps, all on free ports of 127.0.0.1 under .local/chaos (wiped first and at the end; app
// logs stay in .local/chaos-logs). Each scenario sends a steady open-loop load of envelopes with
// known event ids to ingest, applies its fault mid-run, stops the load, waits until the consumer's
// lag is 0, and then every event id is counted in ClickHouse:
//   broker-kill      SIGKILL of the broker leading the most record partitions, started again after
//                    --broker-down-seconds. 503 windows are compared with the windows when the
//                    cluster's metadata says a partition could not take an acks=all write.
//   clickhouse-down  ClickHouse frozen (SIGSTOP; or killed with --clickhouse-fault kill) for
//                    --clickhouse-down-seconds; RSS of ingest and consumer sampled every second.
// A table per scenario on stdout, JSON in bench/results/chaos-<timestamp>.json (or --out). Exit
// status 1 when an event answered 200 is missing or any event is stored twice (or the backlog was
// never stored, or an app died); 2 on bad flags. Ctrl-C stops everything it started.
import { join, resolve } from 'node:path';
import { machine, writeResult } from './bench/report';
import { appMain, checkPrerequisites } from './bench/preflight';
import { runMain } from './bench/run-main';
import { stopOnSignal } from './bench/stop-on-signal';
import { unexpectedIds } from './chaos/ledger';
import { readChaosOptions } from './chaos/options';
import { printScenario, scenarioResult } from './chaos/report';
import { runScenario, ScenarioRun } from './chaos/scenarios';
import { ChaosStack } from './chaos/stack';
import type { SteadyLoad } from './chaos/steady-load';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse chaos: ${line}`);

async function main(): Promise<number> {
  const options = readChaosOptions();
  checkPrerequisites(root, [appMain('ingest'), appMain('consumer'), appMain('query'), join('dist', 'libs', 'local-infra', 'src', 'clickhouse', 'main.js'), join('dist', 'libs', 'local-infra', 'src', 'postgres', 'main.js')]);
  const startedAt = new Date();
  const stack = await ChaosStack.create(root, options, log);
  let load: SteadyLoad | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await load?.stop();
      await stack.stop();
    })());
  stopOnSignal(log, cleanUp);

  try {
    await stack.start();
    const runs: Array<{ run: ScenarioRun; appExits: string[] }> = [];
    for (const name of options.scenarios) {
      const exitsBefore = stack.appExits.length;
      const run = await runScenario(stack, name, options, log, (current) => (load = current));
      runs.push({ run, appExits: stack.appExits.slice(exitsBefore) });
    }
    // Counted once at the end, after every backlog was stored: a late duplicate still shows.
    const rows = await stack.storedRows();
    const census = await stack.logCensus();
    const deadLetters = await stack.deadLetters();
    const sentIds = new Set(runs.flatMap(({ run }) => run.events.map((e) => e.eventId)));
    const unexpected = unexpectedIds(rows, sentIds);
    const results = runs.map(({ run, appExits }) => scenarioResult(run, rows, census, options.rate, appExits));
    for (const [i, result] of results.entries()) printScenario(result, runs[i].run);
    console.log('');
    log(`stored event ids no request carried: ${unexpected.length}; dead letters: ${deadLetters}`);

    const passed = results.every((r) => r.passed) && unexpected.length === 0;
    const file = writeResult(
      root,
      'chaos',
      startedAt,
      {
        benchmark: 'chaos',
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        passed,
        promise: 'a 200 from ingest means the event is stored exactly once; 503 (with Retry-After) only while the cluster cannot take the write',
        scenarios: results,
        unexpected_stored_ids: unexpected.length,
        dead_letters: deadLetters,
        cluster: { brokers: stack.cluster.nodes.length, replication_factor: stack.cluster.replicationFactor, min_insync_replicas: stack.cluster.minInsyncReplicas, producer_acks: 'all (-1)' },
        options,
        machine: machine(root),
      },
      options.out ?? join(root, 'bench', 'results', `chaos-${startedAt.toISOString().replace(/:/g, '-')}.json`),
    );
    log(`${passed ? 'PASSED' : 'FAILED'}; results written to ${file}`);
    return passed ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

runMain('pulse chaos', main);
