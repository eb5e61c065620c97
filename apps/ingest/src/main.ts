import 'reflect-metadata';
import cluster from 'node:cluster';
import { loadIngestConfig } from '@pulse/config';
import { runApp } from '@pulse/platform';
import { runIngestPrimary } from './cluster/ingest-primary';
import { ingestServer } from './ingest-server';

/** The slot the primary gave this worker when it forked it (INGEST_WORKERS > 1); undefined outside a cluster. */
const workerSlot = cluster.isWorker ? Number(process.env.PULSE_INGEST_WORKER_SLOT) : undefined;

void runApp({
  name: 'ingest',
  loadConfig: loadIngestConfig,
  port: (config) => config.ingestPort,
  logFields: workerSlot === undefined ? undefined : { worker: workerSlot },
  supervise: (config, logger) => {
    if (!(cluster.isPrimary && config.ingestWorkers > 1)) return false;
    runIngestPrimary(config, logger);
    return true;
  },
  createModule: (context) => ingestServer(context, workerSlot),
});
