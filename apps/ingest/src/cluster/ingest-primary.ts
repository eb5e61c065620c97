import cluster, { Worker } from 'node:cluster';
import type { IngestConfig } from '@pulse/config';
import { MetricsRegistry } from '@pulse/platform';
import type { Logger } from 'pino';
import { ClusterMetricsAggregator } from './cluster-metrics';
import { StopOutcome, WorkerSupervisor } from './worker-supervisor';

/** How long a metrics scrape waits for each worker's registry. */
export const METRICS_IPC_TIMEOUT_MS = 3000;

/**
 * The primary of `INGEST_WORKERS` > 1: it serves nothing itself. node:cluster shares the ingest
 * port among the workers (each accepts connections on the shared socket); each
 * worker is a whole ingest app with its own Kafka producer and /ready. The primary restarts
 * crashed workers (WorkerSupervisor), aggregates their metrics for /metrics, and on SIGTERM or
 * SIGINT drains every worker, then ends by the same signal (as a single ingest process does
 * after a graceful shutdown), or with exit code 1 when a worker did not drain cleanly or the
 * workers kept crashing.
 */
export function runIngestPrimary(config: IngestConfig, logger: Logger): void {
  // The workers accept on the shared listening socket themselves (SCHED_NONE). With node's
  // default round-robin the primary accepts and hands each connection to a worker, and a
  // connection handed to a worker that has just died is neither answered nor closed: the client
  // hangs (seen in test/ingest-workers.e2e-spec.ts). With a shared socket a dead worker simply
  // stops accepting; the cost is a less even spread of connections.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const metrics = new MetricsRegistry('ingest', { defaultMetrics: false });
  const crashes = metrics.counter('pulse_ingest_worker_crashes_total', 'Ingest worker processes that ended without being asked to (each is restarted with back-off)');
  const restarts = metrics.counter('pulse_ingest_worker_restarts_total', 'Ingest worker processes forked again after a crash');
  const aggregator = new ClusterMetricsAggregator(metrics, () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined), METRICS_IPC_TIMEOUT_MS);

  const supervisor = new WorkerSupervisor({
    workers: config.ingestWorkers,
    fork: (slot, onExit) => {
      const worker = cluster.fork({ PULSE_INGEST_WORKER_SLOT: String(slot) });
      worker.on('message', (message: unknown) => aggregator.handle(worker, message));
      worker.once('exit', (code, signal) => onExit({ code, signal }));
      return { get pid() { return worker.process.pid; }, kill: (signal) => worker.process.kill(signal) };
    },
    events: {
      crashed: ({ slot, pid, exit, recentCrashes, restartInMs }) => {
        crashes.inc();
        logger.error({ slot, pid, code: exit.code, signal: exit.signal, recentCrashes, restartInMs }, restartInMs === undefined ? 'ingest worker crashed' : `ingest worker crashed; restarting it in ${restartInMs} ms`);
      },
      restarted: (slot, pid) => {
        restarts.inc();
        logger.warn({ slot, pid }, 'ingest worker restarted');
      },
      gaveUp: ({ recentCrashes }) => logger.fatal({ recentCrashes }, 'ingest workers keep crashing; stopping them all and exiting with code 1'),
    },
  });
  metrics.gauge('pulse_ingest_workers', 'Ingest worker processes running', [], () => supervisor.running);
  metrics.gauge('pulse_ingest_workers_configured', 'INGEST_WORKERS', [], () => config.ingestWorkers);

  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = signal;
    logger.info({ signal, workers: supervisor.pids }, 'ingest primary draining its workers');
    void supervisor.stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  void supervisor.done.then((outcome) => exitWith(outcome, signalled, logger));
  supervisor.start();
  logger.info({ workers: config.ingestWorkers, port: config.ingestPort }, `ingest primary started ${config.ingestWorkers} workers`);
}

function exitWith(outcome: StopOutcome, signal: NodeJS.Signals | undefined, logger: Logger): void {
  if (outcome.clean && signal) {
    logger.info({ exits: outcome.exits.length }, 'every ingest worker drained');
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  logger.error({ reason: outcome.reason, exits: outcome.exits.slice(-10) }, 'ingest primary exiting with code 1');
  process.exitCode = 1;
  // Let the log line out; nothing else keeps the primary alive once its workers are gone.
  setImmediate(() => process.exit(1));
}
