import { randomBytes } from 'node:crypto';

/**
 * The infrastructure the test command brought up (`npm test` sets these). Tests fail loudly when
 * run outside it rather than skip.
 */
export function testInfra(): { kafkaBrokers: string; clickhouse: { url: string; user: string; password: string }; databaseUrl: string } {
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  const clickhouseUrl = process.env.CLICKHOUSE_URL;
  const databaseUrl = process.env.DATABASE_URL;
  if (!kafkaBrokers || !clickhouseUrl || !databaseUrl) {
    throw new Error('KAFKA_BROKERS, CLICKHOUSE_URL and DATABASE_URL are not all set: run integration and e2e tests through `npm test`');
  }
  const clickhouse = { url: clickhouseUrl, user: process.env.CLICKHOUSE_USER || 'default', password: process.env.CLICKHOUSE_PASSWORD ?? '' };
  return { kafkaBrokers, clickhouse, databaseUrl };
}

/** A name no other test run uses: databases, topic prefixes and consumer groups stay apart. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}
