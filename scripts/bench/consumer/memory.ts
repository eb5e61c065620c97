// What the consumer's memory is made of while it runs: its RSS (sampled from /proc by the caller
// every 500 ms and summed up here) and the V8 heap and Buffers beside it, from its own /metrics.
import type { AppProcess } from '@pulse/local-infra';
import { metricValue } from '@pulse/testing';
import { scrapeMetrics } from '../prometheus';
import { median, round } from '../stats';

export const RSS_INTERVAL_MS = 500;
const HEAP_INTERVAL_MS = 2000;

export interface RssFigures {
  samples: number;
  /** Every sample, 500 ms apart (MB). */
  seriesMb: number[];
  idleMb: number;
  p50Mb: number;
  maxMb: number;
  firstThirdMedianMb: number;
  lastThirdMedianMb: number;
}

export function rssFigures(idleMb: number, samplesMb: number[]): RssFigures {
  const third = Math.max(1, Math.floor(samplesMb.length / 3));
  return {
    samples: samplesMb.length,
    seriesMb: samplesMb,
    idleMb,
    p50Mb: round(median(samplesMb), 1),
    maxMb: round(Math.max(...samplesMb), 1),
    firstThirdMedianMb: round(median(samplesMb.slice(0, third)), 1),
    lastThirdMedianMb: round(median(samplesMb.slice(-third)), 1),
  };
}

export interface HeapFigures {
  heapUsedMaxMb: number;
  externalMaxMb: number;
  heapUsedMb: number[];
  externalMb: number[];
}

/**
 * The V8 heap and the memory outside it (Buffers: fetched Kafka data), from the app's own /metrics
 * every 2 s, to tell what the RSS is made of.
 */
export class HeapSampler {
  readonly heapUsedMb: number[] = [];
  readonly externalMb: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly app: AppProcess) {
    this.timer = setInterval(() => void this.sample(), HEAP_INTERVAL_MS);
  }

  stop(): HeapFigures {
    clearInterval(this.timer);
    return { heapUsedMaxMb: Math.max(...this.heapUsedMb), externalMaxMb: Math.max(...this.externalMb), heapUsedMb: this.heapUsedMb, externalMb: this.externalMb };
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const text = await scrapeMetrics(this.app.url);
      this.heapUsedMb.push(round(metricValue(text, 'pulse_nodejs_heap_size_used_bytes') / 2 ** 20, 1));
      this.externalMb.push(round(metricValue(text, 'pulse_nodejs_external_memory_bytes') / 2 ** 20, 1));
    } catch {
      // A scrape that fails (the app is stopping) is just a missing sample.
    } finally {
      this.busy = false;
    }
  }
}
