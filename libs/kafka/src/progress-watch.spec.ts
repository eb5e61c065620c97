import { RecordKind } from '@pulse/model';
import type { PartitionLag } from './lag-monitor';
import { ProgressWatch } from './progress-watch';

const TX = 'p.transactions';
const ERR = 'p.errors';
const lag = (topic: string, partition: number, committed: number, behind: number): PartitionLag => ({ topic, partition, committed, lag: behind, end: committed + behind });

describe('ProgressWatch', () => {
  let now: number;
  let watch: ProgressWatch;

  beforeEach(() => {
    now = 1_000_000;
    watch = new ProgressWatch([{ kind: RecordKind.Transaction, topic: TX }, { kind: RecordKind.Error, topic: ERR }], 60_000, () => now);
    watch.setRunning(RecordKind.Transaction, true);
    watch.setRunning(RecordKind.Error, true);
  });

  it('calls a kind stalled once a partition with lag has not committed for the stall time, and names it', () => {
    watch.observe([lag(TX, 0, 100, 50), lag(TX, 1, 10, 0), lag(ERR, 0, 5, 0)]);
    now += 59_999;
    watch.observe([lag(TX, 0, 100, 80), lag(TX, 1, 10, 0), lag(ERR, 0, 5, 0)]);
    expect(watch.problems()).toEqual([]);
    now += 6_000;
    expect(watch.problems()).toEqual(['transactions: no commit for 66 s with 80 messages of lag (partition 0)']);
    expect(watch.progress().find((p) => p.kind === RecordKind.Transaction)).toMatchObject({ stalled: true, stalledForMs: 65_999, stalledLag: 80, stalledPartitions: [0] });
  });

  it('is not stalled when the committed offset moves or the lag is gone', () => {
    watch.observe([lag(TX, 0, 100, 50)]);
    now += 50_000;
    watch.observe([lag(TX, 0, 101, 49)]);
    now += 50_000;
    expect(watch.problems()).toEqual([]); // moved 50 s ago
    watch.observe([lag(TX, 0, 101, 0)]);
    now += 120_000;
    expect(watch.problems()).toEqual([]); // idle without lag is not a stall
    watch.observe([lag(TX, 0, 101, 3)]);
    now += 60_000;
    expect(watch.problems()).toHaveLength(1); // lag again, no commit for the stall time
  });

  it('judges only the partitions assigned to this process', () => {
    watch.setAssigned(RecordKind.Transaction, [1]);
    watch.observe([lag(TX, 0, 100, 50), lag(TX, 1, 10, 0)]);
    now += 120_000;
    expect(watch.problems()).toEqual([]);
    watch.setAssigned(RecordKind.Transaction, [0, 1]);
    expect(watch.problems()).toEqual(['transactions: no commit for 120 s with 50 messages of lag (partition 0)']);
  });

  it('reports a kind whose consumer is not running, whatever its lag', () => {
    watch.setRunning(RecordKind.Error, false);
    expect(watch.problems()).toEqual(['errors: consumer is not running (crashed or not yet joined)']);
  });

  it('names a kind by its Kafka name, as the consumer labels it', () => {
    const vitals = new ProgressWatch([{ kind: RecordKind.WebVital, topic: 'p.web-vitals' }], 60_000, () => now);
    expect(vitals.problems()).toEqual(['web-vitals: consumer is not running (crashed or not yet joined)']);
  });
});
