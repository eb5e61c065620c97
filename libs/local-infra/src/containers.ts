import { ClickHouseContainer, StartedClickHouseContainer } from '@testcontainers/clickhouse';
import { KafkaContainer, StartedKafkaContainer } from '@testcontainers/kafka';
import { GenericContainer, StartedTestContainer, Wait } from 'testcontainers';
import type { LocalService } from './local-service';

/**
 * The same three services as Docker containers through testcontainers, for machines with a Docker
 * engine (`PULSE_TEST_INFRA=containers npm test`). The development and CI machines of this
 * project have no Docker engine, so this path is type-checked there but runs only on laptops.
 * Confluent's image is the one testcontainers' Kafka module drives; 7.9 ships Kafka 3.9.
 */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.2';
export const CLICKHOUSE_IMAGE = 'clickhouse/clickhouse-server:25.8';
export const POSTGRES_IMAGE = 'postgres:18';

export class KafkaTestContainer implements LocalService {
  readonly name = 'kafka (container)';
  private started: StartedKafkaContainer | undefined;

  get endpoint(): string {
    if (!this.started) throw new Error('kafka container is not started');
    return `${this.started.getHost()}:${this.started.getMappedPort(9093)}`;
  }

  async start(): Promise<void> {
    this.started ??= await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
  }

  async stop(): Promise<void> {
    await this.started?.stop();
    this.started = undefined;
  }

  async isRunning(): Promise<boolean> {
    return this.started !== undefined;
  }
}

export class ClickHouseTestContainer implements LocalService {
  readonly name = 'clickhouse (container)';
  private started: StartedClickHouseContainer | undefined;

  get endpoint(): string {
    if (!this.started) throw new Error('clickhouse container is not started');
    return this.started.getHttpUrl();
  }

  get credentials(): { user: string; password: string } {
    if (!this.started) throw new Error('clickhouse container is not started');
    return { user: this.started.getUsername(), password: this.started.getPassword() };
  }

  async start(): Promise<void> {
    this.started ??= await new ClickHouseContainer(CLICKHOUSE_IMAGE).start();
  }

  async stop(): Promise<void> {
    await this.started?.stop();
    this.started = undefined;
  }

  async isRunning(): Promise<boolean> {
    return this.started !== undefined;
  }
}

/** The official image, with the role, password and database of the local server (LocalPostgres). */
export class PostgresTestContainer implements LocalService {
  readonly name = 'postgres (container)';
  private started: StartedTestContainer | undefined;

  get endpoint(): string {
    if (!this.started) throw new Error('postgres container is not started');
    return `postgres://pulse:pulse@${this.started.getHost()}:${this.started.getMappedPort(5432)}/pulse`;
  }

  async start(): Promise<void> {
    this.started ??= await new GenericContainer(POSTGRES_IMAGE)
      .withEnvironment({ POSTGRES_USER: 'pulse', POSTGRES_PASSWORD: 'pulse', POSTGRES_DB: 'pulse' })
      .withExposedPorts(5432)
      // The image's entrypoint starts the server twice (once to initialise, then for real): the
      // second "ready" line is the one that counts.
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
  }

  async stop(): Promise<void> {
    await this.started?.stop();
    this.started = undefined;
  }

  async isRunning(): Promise<boolean> {
    return this.started !== undefined;
  }
}
