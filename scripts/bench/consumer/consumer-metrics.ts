// The consumer's own account of a run, scraped from its /metrics once it has caught up: how many
// rows it inserted, in how many inserts and batches, and how long the inserts took.
import type { AppProcess } from '@pulse/local-infra';
import { Tables } from '@pulse/storage';
import { metricValue } from '@pulse/testing';
import { scrapeMetrics } from '../prometheus';
import { round } from '../stats';

export interface ConsumerMetricsFigures {
  rowsInserted: number;
  batches: number;
  insertSecondsSum: number;
  insertCount: number;
  meanInsertMs: number;
  /** Rows inserted / inserts (a halved batch is several inserts). */
  rowsPerInsert: number;
  rowsPerBatch: number;
  retries: number;
  deadLettered: number;
}

export async function consumerMetrics(app: AppProcess, topic: string): Promise<ConsumerMetricsFigures> {
  const text = await scrapeMetrics(app.url);
  const table = { table: Tables.transactions };
  const insertSecondsSum = metricValue(text, 'pulse_consumer_insert_seconds_sum', table);
  const insertCount = metricValue(text, 'pulse_consumer_insert_seconds_count', table);
  const batches = metricValue(text, 'pulse_consumer_batches_total', { topic });
  const rowsInserted = metricValue(text, 'pulse_consumer_rows_inserted_total', table);
  return {
    rowsInserted,
    batches,
    insertSecondsSum: round(insertSecondsSum, 3),
    insertCount,
    meanInsertMs: insertCount > 0 ? round((insertSecondsSum / insertCount) * 1000, 1) : NaN,
    rowsPerInsert: insertCount > 0 ? Math.round(rowsInserted / insertCount) : NaN,
    rowsPerBatch: batches > 0 ? Math.round(rowsInserted / batches) : NaN,
    retries: metricValue(text, 'pulse_consumer_batch_retries_total', { topic }),
    deadLettered: metricValue(text, 'pulse_consumer_dead_lettered_total', { topic }),
  };
}
