import { AppliedPosition, ISSUES_CONSUMER, RecordOutcome } from '@pulse/issues';
import { RecordBatch } from '@pulse/kafka';
import { ErrorRecord, RecordKind } from '@pulse/model';
import { PendingRow, recordsOfRows } from './batch-rows';
import { ConsumerMetrics } from './consumer.metrics';

/**
 * The issue processor as the consumer calls it: IssueRecorder on PostgreSQL in the app, a fake in
 * unit specs. A class so that it is its own injection token.
 */
export abstract class IssueSink {
  abstract record(records: readonly ErrorRecord[], position: AppliedPosition): Promise<RecordOutcome>;
}

/**
 * The errors step: runs after a batch of errors is in ClickHouse and before its offsets are
 * committed, so an issue never counts an event ClickHouse does not have. It takes the rows that
 * were stored (client re-sends and rows ClickHouse refused left out) and reads their records again
 * from their messages: encoding kept no decoded record (batch-rows.ts), and errors are a small
 * share of the traffic, so only this kind pays for a second parse. The records are applied to
 * PostgreSQL once per offset range (IssueRecorder): a replayed batch finds its range applied. A
 * failure (PostgreSQL down) throws like any storage failure: the batch is retried, and ClickHouse
 * drops the replayed insert by its token.
 */
export async function recordIssues(sink: IssueSink, metrics: ConsumerMetrics, batch: RecordBatch, stored: readonly PendingRow[]): Promise<void> {
  // A batch with no stored error (all client re-sends, all refused) still moves the partition's
  // applied offset: the alerts app waits for it before it evaluates the same offsets.
  const records = recordsOfRows(RecordKind.Error, stored);
  const outcome = await sink.record(records, { consumer: ISSUES_CONSUMER, topic: batch.topic, partition: batch.partition, lastOffset: batch.range.last });
  if (!outcome.applied) {
    metrics.issueBatchesSkipped.inc();
    return;
  }
  metrics.issuesCreated.inc(outcome.created);
  metrics.issuesRegressed.inc(outcome.regressed);
  metrics.issuesEscalated.inc(outcome.escalated);
}
