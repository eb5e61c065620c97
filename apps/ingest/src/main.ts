import 'reflect-metadata';
import cluster from 'node:cluster';
import { ConfigError, loadEnvConfig, loadPulseConfigFile } from '@pulse/config';
import { createLogger } from '@pulse/platform';
import { runIngestPrimary } from './cluster/ingest-primary';
import { startIngestServer } from './ingest-server';

async function main(): Promise<void> {
  const env = loadEnvConfig(process.env);
  const logger = createLogger('ingest', env.logLevel);
  if (cluster.isPrimary && env.ingestWorkers > 1) {
    // A bad PULSE_CONFIG stops the start here, once, instead of as a crash loop of workers.
    loadPulseConfigFile(env.pulseConfigPath);
    runIngestPrimary(env, logger);
    return;
  }
  if (!cluster.isWorker) {
    await startIngestServer(env, logger, { clusterWorker: false });
    return;
  }
  const slot = Number(process.env.PULSE_INGEST_WORKER_SLOT);
  await startIngestServer(env, logger.child({ worker: slot }), { clusterWorker: true, slot });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `ingest: ${error.message}` : error);
  process.exit(1);
});
