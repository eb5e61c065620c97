import { join } from 'node:path';
import { LocalClickHouse } from './clickhouse';
import { LocalKafka } from './kafka';
import type { LocalService } from './local-service';

export interface InfraOptions {
  /** Where local services keep their data (`.local/dev`, `.local/test`). */
  stateDir: string;
  kafkaPort: number;
  clickhousePort: number;
  /** From the environment: when set, that side is external and nothing local starts. */
  externalKafkaBrokers?: string;
  externalClickHouseUrl?: string;
  log: (line: string) => void;
}

export interface Infra {
  kafkaBrokers: string;
  clickhouseUrl: string;
  /** The services this call started (and so the caller stops). */
  started: LocalService[];
}

/**
 * Uses external Kafka / ClickHouse when configured, otherwise starts the local ones (a real
 * Kafka broker from Maven Central jars, the chdb-backed ClickHouse HTTP server) in parallel.
 */
export async function bringUpInfra(options: InfraOptions): Promise<Infra> {
  const wanted: LocalService[] = [];
  if (!options.externalKafkaBrokers) {
    wanted.push(new LocalKafka({ port: options.kafkaPort, stateDir: join(options.stateDir, 'kafka'), log: options.log }));
  }
  if (!options.externalClickHouseUrl) {
    wanted.push(new LocalClickHouse({ port: options.clickhousePort, dataDir: join(options.stateDir, 'clickhouse', 'data') }));
  }
  const started: LocalService[] = [];
  const results = await Promise.allSettled(
    wanted.map(async (service) => {
      const wasRunning = await service.isRunning();
      await service.start();
      if (!wasRunning) started.push(service);
      options.log(`${service.name} ${wasRunning ? 'already running' : 'started'} at ${service.endpoint}`);
    }),
  );
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await tearDownInfra(started);
    throw failure.reason;
  }
  return {
    kafkaBrokers: options.externalKafkaBrokers ?? `127.0.0.1:${options.kafkaPort}`,
    clickhouseUrl: options.externalClickHouseUrl ?? `http://127.0.0.1:${options.clickhousePort}`,
    started,
  };
}

export async function tearDownInfra(started: LocalService[]): Promise<void> {
  await Promise.allSettled(started.map((service) => service.stop()));
}
