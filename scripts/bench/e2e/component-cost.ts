import { round } from '../stats';
import { formatNumber as fmt, printColumns } from '../table';

/**
 * What each process of the end-to-end run costs per event: the sizing of a deployment starts from
 * these (scripts/bench/suite/capacity.ts). Pure functions over what a phase measured.
 */
export const COMPONENTS = ['ingest', 'consumer', 'kafka', 'clickhouse', 'query', 'loadgen', 'bench'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** What the components are, for the tables: `bench` is this process (the freshness poller, lag reads). */
export const COMPONENT_LABELS: Readonly<Record<ComponentName, string>> = {
  ingest: 'ingest',
  consumer: 'consumer',
  kafka: 'Kafka',
  clickhouse: 'ClickHouse',
  query: 'query (freshness polls)',
  loadgen: 'load generator',
  bench: 'benchmark (poller)',
};

export interface ComponentCost {
  /** Cores used over the phase (1 = one core fully busy); null when the process was not measured. */
  cores: number | null;
  /** CPU milliseconds per 1,000 accepted events: cores × 1,000,000 ÷ accepted events/s. */
  cpu_ms_per_1000_events: number | null;
  rss_max_mb: number | null;
}

export interface PhaseCost {
  phase: string;
  offered_events_per_s: number;
  accepted_events_per_s: number;
  components: Record<ComponentName, ComponentCost>;
}

export interface PhaseMeasures {
  phase: string;
  offered_events_per_s: number;
  accepted_events_per_s: number;
  cores: Record<string, number>;
  rss_max_mb: Record<string, number>;
}

const finite = (value: number | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);

export function phaseCost(phase: PhaseMeasures): PhaseCost {
  const components = {} as Record<ComponentName, ComponentCost>;
  for (const name of COMPONENTS) {
    const cores = finite(phase.cores[name]);
    const perEvent = cores !== null && phase.accepted_events_per_s > 0 ? round((cores * 1_000_000) / phase.accepted_events_per_s, 1) : null;
    components[name] = { cores, cpu_ms_per_1000_events: perEvent, rss_max_mb: finite(phase.rss_max_mb[name]) };
  }
  return { phase: phase.phase, offered_events_per_s: phase.offered_events_per_s, accepted_events_per_s: phase.accepted_events_per_s, components };
}

/** Pulse's own processes (not the load generator, not the benchmark): what a deployment runs. */
export const PULSE_COMPONENTS: readonly ComponentName[] = ['ingest', 'consumer', 'kafka', 'clickhouse'];

/** CPU ms per 1,000 events of the pipeline (ingest, consumer, Kafka, ClickHouse); null if any is missing. */
export function pipelineCpuMsPer1000Events(cost: PhaseCost): number | null {
  const parts = PULSE_COMPONENTS.map((name) => cost.components[name].cpu_ms_per_1000_events);
  return parts.some((part) => part === null) ? null : round((parts as number[]).reduce((sum, part) => sum + part, 0), 1);
}

/** One table per measured phase: cores, CPU ms per 1,000 events and RSS max of each component. */
export function printComponentCosts(costs: ReadonlyArray<{ label: string; cost: PhaseCost }>): void {
  for (const { label, cost } of costs) {
    console.log(`Per component at ${label}: ${fmt(cost.offered_events_per_s)} events/s offered, ${fmt(cost.accepted_events_per_s)} accepted (phase "${cost.phase}")`);
    printColumns(
      ['component', 'cores', 'CPU ms / 1,000 events', 'RSS max (MB)'],
      [
        ...COMPONENTS.map((name) => {
          const c = cost.components[name];
          return [COMPONENT_LABELS[name], show(c.cores), show(c.cpu_ms_per_1000_events), show(c.rss_max_mb)];
        }),
        ['pipeline (ingest + consumer + Kafka + ClickHouse)', '', show(pipelineCpuMsPer1000Events(cost)), ''],
      ],
      [false, true, true, true],
    );
    console.log('');
  }
}

function show(value: number | null): string {
  return value === null ? 'not measured' : fmt(value);
}
