// The ingest benchmark's baseline: a bare Fastify server with kafkajs that does only what any
// envelope endpoint must do — read the project from the URL and the key from the query string,
// split the envelope and JSON.parse its lines (minimal-envelope.ts), and produce each stored item
// to the topic of its kind, answering once Kafka acknowledged it. It runs as its own process, like
// the ingest app, started by scripts/bench-ingest.ts:
//   BASELINE_PORT=… KAFKA_BROKERS=… KAFKA_TOPIC_PREFIX=… BASELINE_KEYS='{"<key>":<project>}' node dist/scripts/bench/ingest/baseline-server.js
//
// Producer settings are the ingest app's (apps/ingest/src/record.publisher.ts): the same kafkajs
// client (createKafka), the same producer (createRecordProducer), and the same cross-request
// batching (BatchingProducer: PRODUCER_LINGER_MS, PRODUCER_MAX_BATCH_MESSAGES,
// PRODUCER_MAX_PENDING_BYTES, PRODUCER_COMPRESSION read by loadIngestConfig, acks=-1, every
// partition's acknowledgement checked).
// Each message is keyed by project id with the `pulse-schema` header, as ingest's records are.
// Fastify's server options are the apps' (fastifyServerOptions of libs/platform).
// The libraries are imported through their entry points, which load their Nest-based modules too:
// about 27 MB more idle RSS than importing their single files did (the baseline's idle RSS 65 →
// 92 MB in bench:ingest, 2026-12-07), none of it on the request path. Read its RSS with that in mind.
import Fastify from 'fastify';
import { loadIngestConfig } from '@pulse/config';
import { AdminPartitionCounts, BatchingProducer, createKafka, createRecordProducer, KAFKA_KINDS, kafkaCompression, OutgoingMessage, ProducerOverloadedError, TopicNames } from '@pulse/kafka';
import { fastifyServerOptions } from '@pulse/platform';
import { MinimalEnvelopeError, parseMinimalEnvelope, readTarget } from './minimal-envelope';

async function main(): Promise<void> {
  const env = loadIngestConfig(process.env);
  const port = Number(process.env.BASELINE_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('BASELINE_PORT must be set');
  const keys = new Map(Object.entries(JSON.parse(process.env.BASELINE_KEYS ?? '{}') as Record<string, number>));
  const topics = new TopicNames(env.kafkaTopicPrefix);

  const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: `${env.kafkaClientId}-bench-baseline` });
  const producer = createRecordProducer(kafka);
  await producer.connect();
  // Batches and their acknowledgement time, as ingest's pulse_ingest_produce_seconds counts them.
  const produced = { batches: 0, seconds: 0 };
  const batching = new BatchingProducer(producer, {
    lingerMs: env.producerLingerMs,
    maxBatchMessages: env.producerMaxBatchMessages,
    maxPendingBytes: env.producerMaxPendingBytes,
    partitionCounts: new AdminPartitionCounts(kafka),
    compression: kafkaCompression(env.producerCompression),
    onBatchSent: (_messages, _bytes, ms) => {
      produced.batches++;
      produced.seconds += ms / 1000;
    },
  });

  const app = Fastify({ ...fastifyServerOptions(env.ingestMaxBodyBytes), logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/ready', async () => ({ status: 'ok' }));
  app.get('/stats', async () => produced);
  app.post<{ Params: { projectId: string } }>('/api/:projectId/envelope', async (request, reply) => {
    const target = readTarget(request.params.projectId, request.query);
    if (!target) return reply.code(401).send({ detail: 'no project or sentry_key' });
    if (keys.get(target.key) !== target.projectId) return reply.code(401).send({ detail: 'unknown key' });
    let envelope;
    try {
      envelope = parseMinimalEnvelope(request.body as Buffer);
    } catch (error) {
      if (error instanceof MinimalEnvelopeError) return reply.code(400).send({ detail: error.message });
      throw error;
    }
    const key = String(target.projectId);
    const messages: OutgoingMessage[] = envelope.items.map((item) => ({ topic: topics.records[item.kind], key, value: item.payload, headers: { 'pulse-schema': KAFKA_KINDS[item.kind].schema.name } }));
    if (messages.length > 0) {
      try {
        await batching.send(messages);
      } catch (error) {
        return reply.code(503).header('retry-after', '5').send({ detail: error instanceof ProducerOverloadedError ? 'overloaded' : 'kafka failed' });
      }
    }
    const id = envelope.header.event_id;
    return typeof id === 'string' ? { id } : {};
  });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void app
      .close()
      .then(() => batching.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await app.listen({ port, host: '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(`baseline server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
