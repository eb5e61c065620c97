import { phaseCost, pipelineCpuMsPer1000Events } from './component-cost';

describe('phaseCost', () => {
  const measured = {
    phase: 'step 1000',
    offered_events_per_s: 1000,
    accepted_events_per_s: 800,
    cores: { ingest: 0.4, consumer: 0.2, kafka: 0.08, clickhouse: 0.5, query: 0.04, loadgen: 0.1 },
    rss_max_mb: { ingest: 180.2, consumer: 210, query: 120 },
  };
  const cost = phaseCost(measured);

  it('divides each process\'s cores by the accepted events: CPU ms per 1,000 events', () => {
    // 0.4 cores = 400 CPU ms per second, over 800 events: 500 ms per 1,000 events.
    expect(cost.components.ingest).toEqual({ cores: 0.4, cpu_ms_per_1000_events: 500, rss_max_mb: 180.2 });
    expect(cost.components.clickhouse.cpu_ms_per_1000_events).toBe(625);
    expect(cost.components.loadgen.cpu_ms_per_1000_events).toBe(125);
  });

  it('says null, never zero, for what was not measured', () => {
    expect(cost.components.bench).toEqual({ cores: null, cpu_ms_per_1000_events: null, rss_max_mb: null });
    expect(cost.components.kafka.rss_max_mb).toBeNull();
    expect(phaseCost({ ...measured, cores: { ...measured.cores, ingest: Number.NaN } }).components.ingest.cpu_ms_per_1000_events).toBeNull();
    expect(phaseCost({ ...measured, accepted_events_per_s: 0 }).components.ingest.cpu_ms_per_1000_events).toBeNull();
  });

  it('sums the pipeline (ingest, consumer, Kafka, ClickHouse) only when every part was measured', () => {
    expect(pipelineCpuMsPer1000Events(cost)).toBe(500 + 250 + 100 + 625);
    expect(pipelineCpuMsPer1000Events(phaseCost({ ...measured, cores: { ingest: 0.4 } }))).toBeNull();
  });
});
