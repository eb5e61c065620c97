import { CompressionTypes, Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
}

export type KafkaLogSink = (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * One place that builds kafkajs clients, so every app logs Kafka through its own structured logger.
 *
 * The retry settings are not what holds an ingest request while a broker is down (docs/chaos.md,
 * "How long a request is held"): an acks=all write waits in the surviving leaders until the
 * controller fences the dead broker and shrinks the in-sync replicas (broker.session.timeout.ms,
 * 9 s by default), and with producer retries off the batches failed at that same moment. Fewer
 * retries would turn those late 200s into 503s for events Kafka then writes; a requestTimeout
 * below the fencing time would resend writes the leaders still hold, doubling them in Kafka. Both
 * stay as they are.
 */
export function createKafka(connection: KafkaConnection, sink?: KafkaLogSink): Kafka {
  return new Kafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 5000 },
    logLevel: sink ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (!sink) return;
      const { message, ...extra } = entry.log;
      sink(LEVELS[entry.level] ?? 'info', `kafka ${entry.namespace}: ${message}`, extra);
    },
  });
}

/** The kafkajs codec of a PRODUCER_COMPRESSION setting (the ones kafkajs implements without plugins). */
export function kafkaCompression(name: 'none' | 'gzip'): CompressionTypes {
  return name === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
}

/**
 * The producer ingest sends records with (the ingest benchmark's baseline uses it too, so the two
 * are compared on the same settings): topics must exist, up to 8 requests in flight per broker,
 * and kafkajs's default (murmur2, Java-compatible) partitioner on the project key.
 */
export function createRecordProducer(kafka: Kafka): Producer {
  return kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 8, createPartitioner: Partitioners.DefaultPartitioner });
}
