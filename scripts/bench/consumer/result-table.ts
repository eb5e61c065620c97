// The tables the consumer benchmark prints on stdout: one for a backlog run, one for a soak. Their
// labels are compared by eye across commits; keep them as they are.
import { CpuProfileSummary, printCpuProfileSummary } from '../cpu-profile';
import { formatNumber, printRows } from '../table';
import type { BacklogSummary } from './backlog-summary';
import type { ConsumerBenchOptions } from './bench-context';
import type { Production } from './backlog';
import type { HeapFigures, RssFigures } from './memory';
import type { SoakRun } from './soak';

type Row = [string, number | string];

function printTable(rows: Row[]): void {
  printRows(rows.map(([label, value]) => [label, typeof value === 'number' ? formatNumber(value) : value]));
}

function memoryRows(rss: RssFigures, heap: HeapFigures): Row[] {
  return [
    ['RSS idle (MB)', rss.idleMb],
    ['RSS p50 (MB)', rss.p50Mb],
    ['RSS max (MB)', rss.maxMb],
    ['RSS first third median (MB)', rss.firstThirdMedianMb],
    ['RSS last third median (MB)', rss.lastThirdMedianMb],
    ['RSS samples (every 500 ms)', rss.samples],
    ['V8 heap used max (MB, every 2 s)', heap.heapUsedMaxMb],
    ['external (Buffers) max (MB)', heap.externalMaxMb],
  ];
}

export function printBacklogTable(summary: BacklogSummary, production: Production, cpuProfile: CpuProfileSummary | undefined): void {
  console.log('');
  console.log(`Consumer benchmark (backlog of ${summary.rows.toLocaleString('en-US')} transactions; median of ${summary.repeat})`);
  printTable([
    ['rows', summary.rows],
    ['batch cap (CONSUMER_MAX_BATCH_ROWS, messages)', summary.batchRows],
    ['partitions', summary.partitions],
    ['projects (Kafka keys)', `${summary.projects.join(',')}: ${Object.values(production.messagesPerPartition).join(':')} messages per partition`],
    ['message schema, records per request', `${summary.messageSchema}, ${summary.recordsPerRequest}`],
    ['baseline rows per insert (JSONEachRow)', summary.baselineBatchRows],
    ['baseline rows/s (direct inserts: one connection, sequential)', summary.baselineRowsPerSecond],
    ['baseline rows/s incl. decode + map', summary.baselineWithPrepareRowsPerSecond],
    ['consumer rows/s', summary.consumerRowsPerSecond],
    ['consumer / baseline', summary.consumerToBaseline],
    ['baseline mean insert (ms)', summary.baselineMeanInsertMs],
    ['consumer mean insert (ms)', summary.consumerMeanInsertMs],
    ['consumer rows per insert', summary.consumerRowsPerInsert],
    ['consumer rows per batch', summary.consumerRowsPerBatch],
    ['consumer batches', summary.consumerBatches],
    ['consumer CPU-ms per 1,000 rows', summary.consumerCpuMsPer1000Rows],
    ['baseline client CPU-ms per 1,000 rows', summary.baselineClientCpuMsPer1000Rows],
    ['consumer peak RSS (MB, every run)', summary.consumerPeakRssMb],
    ...(summary.compared
      ? ([
          ['compared build rows/s', summary.compared.rowsPerSecond],
          ['compared build / baseline', summary.compared.toBaseline],
          ['compared build rows per insert', summary.compared.rowsPerInsert],
          ['compared build CPU-ms per 1,000 rows', summary.compared.cpuMsPer1000Rows],
          ['compared build peak RSS (MB, every run)', summary.compared.peakRssMb],
        ] as Row[])
      : []),
    ...memoryRows(summary.rss, summary.heap),
  ]);
  if (cpuProfile) {
    console.log('');
    console.log('Consumer CPU profile, ready → caught up:');
    printCpuProfileSummary(cpuProfile);
  }
}

export function printSoakTable(options: ConsumerBenchOptions, soak: SoakRun): void {
  console.log('');
  console.log(`Consumer soak (${options.soakSeconds} s at ${options.rate.toLocaleString('en-US')} rows/s)`);
  printTable([
    ['rows produced', soak.produced],
    ['produced rows/s', soak.producedRate],
    ['batch size (rows)', options.batchRows],
    ['partitions', options.partitions],
    ['lag when production stopped', soak.lagAtEnd],
    ['drain after production (s)', soak.drainSeconds],
    ['consumer mean insert (ms)', soak.metrics.meanInsertMs],
    ['consumer rows per batch', soak.metrics.rowsPerBatch],
    ['consumer batches', soak.metrics.batches],
    ...memoryRows(soak.rss, soak.heap),
  ]);
}
