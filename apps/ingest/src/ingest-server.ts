import type { IngestConfig } from '@pulse/config';
import type { AppContext, AppModule, MetricsRegistry } from '@pulse/platform';
import type { Logger } from 'pino';
import { METRICS_IPC_TIMEOUT_MS } from './cluster/ingest-primary';
import { serveClusterMetrics } from './cluster/cluster-metrics';
import { IngestModule } from './ingest.module';

/**
 * One ingest HTTP server (runApp starts it): the whole app when INGEST_WORKERS is 1, else one
 * cluster worker (`workerSlot` set). A worker serves the whole set's metrics (asked of its primary)
 * and shuts down gracefully when its primary goes away, so no orphan keeps a Kafka producer open.
 */
export function ingestServer({ config, registry, logger, metrics }: AppContext<IngestConfig>, workerSlot: number | undefined): AppModule {
  if (workerSlot !== undefined) joinWorkerSet(metrics, logger, workerSlot);
  return {
    module: IngestModule.forRoot({ config, registry, logger, metrics }),
    http: {
      bodyLimit: config.ingestMaxBodyBytes,
      configureFastify: (fastify) => {
        // Ingest reads raw bytes whatever the content type (SDKs send JSON as text/plain, envelopes
        // as application/x-sentry-envelope): the protocol library parses them, once.
        fastify.removeAllContentTypeParsers();
        fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      },
    },
    beforeListen: (app) => {
      // Browser SDKs post from any origin; they must be able to read the rate-limit headers.
      app.enableCors({
        origin: '*',
        methods: ['POST', 'OPTIONS'],
        allowedHeaders: ['content-type', 'content-encoding', 'x-sentry-auth', 'authorization', 'sentry-trace', 'baggage'],
        exposedHeaders: ['x-sentry-rate-limits', 'retry-after', 'x-sentry-error'],
        maxAge: 3600,
      });
    },
  };
}

function joinWorkerSet(metrics: MetricsRegistry, logger: Logger, slot: number): void {
  // One series per worker in the set's metrics: which workers the aggregate holds.
  metrics.gauge('pulse_ingest_worker_info', 'One series per running ingest worker, by slot and pid (value 1)', ['slot', 'pid']).set({ slot: String(slot), pid: String(process.pid) }, 1);
  // The primary waits METRICS_IPC_TIMEOUT_MS for each worker; this waits a little longer for the primary.
  serveClusterMetrics(metrics, METRICS_IPC_TIMEOUT_MS + 1000);
  process.once('disconnect', () => {
    logger.error('the ingest primary went away; shutting this worker down');
    process.kill(process.pid, 'SIGTERM');
  });
}
