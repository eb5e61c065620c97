// The figures of a backlog run that the result file leads with (and scripts/bench/suite reads:
// summary.consumerRowsPerSecond, baselineRowsPerSecond, consumerToBaseline,
// consumerCpuMsPer1000Rows, consumerPeakRssMb): medians over the repetitions, and the other
// figures from the run whose throughput is the median.
import { median, round } from '../stats';
import type { BaselineRun } from './baseline';
import type { ConsumerBenchOptions } from './bench-context';
import type { ConsumerRun } from './consumer-run';

export type BacklogSummary = ReturnType<typeof backlogSummary>;

export function backlogSummary(options: ConsumerBenchOptions, baselines: BaselineRun[], consumers: ConsumerRun[], compared: ConsumerRun[]) {
  const baselineRate = median(baselines.map((run) => run.rowsPerSecond));
  const consumerRate = median(consumers.map((run) => run.rowsPerSecond));
  const representative = representativeRun(consumers);
  return {
    rows: options.rows,
    batchRows: options.batchRows,
    partitions: options.partitions,
    projects: options.projects,
    repeat: options.repeat,
    messageSchema: options.message.schema,
    recordsPerRequest: options.message.recordsPerRequest,
    consumerRoot: options.consumerRoot,
    baselineBatchRows: baselines[0]?.batchRows,
    baselineRowsPerSecond: baselineRate,
    consumerRowsPerSecond: consumerRate,
    consumerToBaseline: round(consumerRate / baselineRate, 3),
    baselineWithPrepareRowsPerSecond: median(baselines.map((run) => run.rowsPerSecondWithPrepare)),
    baselineMeanInsertMs: median(baselines.map((run) => run.meanInsertMs)),
    consumerMeanInsertMs: representative.metrics.meanInsertMs,
    consumerRowsPerInsert: representative.metrics.rowsPerInsert,
    consumerCpuMsPer1000Rows: median(consumers.map((run) => run.cpuMsPer1000Rows)),
    baselineClientCpuMsPer1000Rows: median(baselines.map((run) => run.clientCpuMsPer1000Rows)),
    consumerPeakRssMb: Math.max(...consumers.map((run) => run.rss.maxMb)),
    compared: compared.length === 0 ? undefined : comparedFigures(compared, baselineRate),
    consumerRowsPerBatch: representative.metrics.rowsPerBatch,
    consumerBatches: representative.metrics.batches,
    rss: representative.rss,
    heap: representative.heap,
  };
}

/** The run whose throughput is the median (the lower middle one for an even count) gives the other figures. */
export function representativeRun(consumers: ConsumerRun[]): ConsumerRun {
  return [...consumers].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond)[Math.floor((consumers.length - 1) / 2)];
}

/** Medians of the --compare-root build's runs, as the summary gives them for the consumer. */
function comparedFigures(runs: ConsumerRun[], baselineRate: number) {
  const rowsPerSecond = median(runs.map((run) => run.rowsPerSecond));
  return {
    rowsPerSecond,
    toBaseline: round(rowsPerSecond / baselineRate, 3),
    rowsPerInsert: median(runs.map((run) => run.metrics.rowsPerInsert)),
    cpuMsPer1000Rows: median(runs.map((run) => run.cpuMsPer1000Rows)),
    peakRssMb: Math.max(...runs.map((run) => run.rss.maxMb)),
  };
}
