// What every phase of the consumer benchmark (scripts/bench-consumer.ts) shares: its options, the
// infrastructure it runs on, and the way it writes transactions to Kafka as ingest writes them.
import type { ProducerCompression } from '@pulse/config';
import { ensureTopics, kafkaCompression, TopicNames } from '@pulse/kafka';
import type { AppProcess } from '@pulse/local-infra';
import type { TransactionRecord } from '@pulse/model';
import type { ClickHouseConnection } from '@pulse/storage';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { RecordGenerator } from '@pulse/testing';
import { backlogMessages, KeptPayloads, keepPayloads, MessageShape } from './payloads';

export const log = (line: string): void => console.log(`pulse bench: ${line}`);

export const RETENTION_DAYS = 90;
/** Records per producer send (one Kafka request). */
export const SEND_MESSAGES = 5000;

export interface ConsumerBenchOptions {
  rows: number;
  batchRows: number;
  partitions: number;
  repeat: number;
  soakSeconds: number;
  rate: number;
  seed: number;
  cpuProfDir?: string;
  /** Added to the consumer's NODE_OPTIONS only (e.g. --max-old-space-size=512). */
  consumerNodeOptions?: string;
  /** Where to write the result JSON instead of bench/results/<timestamp>-consumer.json. */
  out?: string;
  message: MessageShape;
  /** Rows per baseline insert; undefined: the consumer's mean insert of its first run. */
  baselineRows?: number;
  /** Repository root of the consumer build to run (default: this one). */
  consumerRoot: string;
  /** Repository root of a second consumer build, run on the same backlog in every repetition. */
  compareRoot?: string;
  /** Project ids (the Kafka keys); default: projectsCovering(partitions). */
  projects: number[];
}

export interface Bench {
  options: ConsumerBenchOptions;
  runId: string;
  stateDir: string;
  kafkaBrokers: string;
  clickhouse: ClickHouseConnection;
  /** DATABASE_URL of the run's migrated PostgreSQL database, where every consumer it starts records issues. */
  databaseUrl: string;
  kafka: Kafka;
  /** The same instant for the produced records and the baseline's, so both are the same rows. */
  nowMs: number;
  configPath: string;
  /** Apps running now, stopped on failure or Ctrl-C. */
  apps: Set<AppProcess>;
  /** Compressed as ingest compresses (PRODUCER_COMPRESSION, none by default): the consumer reads what it reads in production. */
  compression: ProducerCompression;
  /** With --cpu-prof-dir: what loads the profiler hook into the consumer. */
  profiler?: { nodeOption: string; env: Record<string, string> };
}

export function generator(bench: Bench, nowMs?: number): RecordGenerator {
  return new RecordGenerator(bench.options.seed, { projects: bench.options.projects, nowMs });
}

export interface BenchTopics {
  prefix: string;
  names: TopicNames;
}

export async function createTopics(bench: Bench, prefix: string): Promise<BenchTopics> {
  const names = new TopicNames(prefix);
  await ensureTopics(bench.kafka, names.all().map((topic) => ({ topic, partitions: bench.options.partitions })));
  return { prefix, names };
}

export function newProducer(bench: Bench): Producer {
  // The Java-compatible murmur2 partitioner, as ingest uses: key = project id.
  return bench.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

/** Sends `records` as ingest would have written them (--message-schema, --records-per-request); resolves to the message count. */
export async function sendRecords(bench: Bench, producer: Producer, topic: string, records: TransactionRecord[], kept?: KeptPayloads): Promise<number> {
  const messages = backlogMessages(records, bench.options.message);
  if (kept) keepPayloads(kept, messages);
  await producer.send({ topic, acks: -1, compression: kafkaCompression(bench.compression), messages });
  return messages.length;
}
