// The metric rules of the evaluation-load phase: a mix like a real deployment's, every aggregate a
// team sets up (latency percentiles, failure rate, throughput and Apdex of routes and pages, error
// counts, crash-free sessions, Web Vitals), windows from a minute to an hour, each rule evaluated
// every 10 s. The filters name the routes and pages the load generator sends
// (libs/loadgen/src/catalog), so the evaluations read real rows. The thresholds are far from what
// that traffic produces, except that the Apdex of page loads (seconds long, so near 0) crosses
// `below 0.01`: those few rules fire and notify, as some rules of a real deployment do. The result
// file names them (webhook.load_rule_notifications). Pure: the benchmark sends what this returns
// through the API.

/** A rule as POST …/alert-rules takes it, with the project it belongs to. */
export interface PlannedRule {
  projectId: number;
  rule: Record<string, unknown>;
}

export const LOAD_EVALUATE_EVERY_SECONDS = 10;
export const LOAD_WINDOWS_SECONDS: readonly number[] = [60, 300, 600, 900, 1800, 3600];

/** Transaction names of the load generator: server routes (`<method> <route>`) and pages. */
const TRANSACTIONS: readonly (string | undefined)[] = [
  'GET /api/products',
  'GET /api/products/:id',
  'GET /api/cart',
  'POST /api/cart/items',
  'POST /api/checkout',
  'GET /api/orders/:id',
  'POST /api/login',
  '/products',
  '/checkout',
  // Every transaction of the project.
  undefined,
];

interface Template {
  aggregate: string;
  critical: { above: number } | { below: number };
  vital?: string;
  /** Whether a transaction filter applies (the transactions dataset and errors). */
  byTransaction: boolean;
}

const TEMPLATES: readonly Template[] = [
  { aggregate: 'p50', critical: { above: 20_000 }, byTransaction: true },
  { aggregate: 'p95', critical: { above: 30_000 }, byTransaction: true },
  { aggregate: 'p99', critical: { above: 60_000 }, byTransaction: true },
  { aggregate: 'failure_rate', critical: { above: 0.9 }, byTransaction: true },
  { aggregate: 'throughput', critical: { above: 1_000_000_000 }, byTransaction: true },
  { aggregate: 'apdex', critical: { below: 0.01 }, byTransaction: true },
  { aggregate: 'error_count', critical: { above: 1_000_000_000 }, byTransaction: false },
  { aggregate: 'crash_free_sessions', critical: { below: 0.01 }, byTransaction: false },
  { aggregate: 'web_vital_p75', vital: 'lcp', critical: { above: 600_000 }, byTransaction: false },
  { aggregate: 'web_vital_p75', vital: 'cls', critical: { above: 50 }, byTransaction: false },
  { aggregate: 'web_vital_p75', vital: 'inp', critical: { above: 600_000 }, byTransaction: false },
];

/**
 * `count` rules over `projectIds` (round robin), each sending to `actions`. Rule i takes template
 * i mod 11, window (i div 11) mod 6 and, where it applies, transaction filter (i div 7) mod 10, so
 * every aggregate meets every window and most filters.
 */
export function metricRuleMix(count: number, projectIds: readonly number[], actions: readonly object[]): PlannedRule[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (projectIds.length === 0) throw new Error('metricRuleMix needs at least one project');
  return Array.from({ length: count }, (_, i) => {
    const template = TEMPLATES[i % TEMPLATES.length];
    const windowSeconds = LOAD_WINDOWS_SECONDS[Math.floor(i / TEMPLATES.length) % LOAD_WINDOWS_SECONDS.length];
    const transaction = template.byTransaction ? TRANSACTIONS[Math.floor(i / 7) % TRANSACTIONS.length] : undefined;
    const rule: Record<string, unknown> = {
      name: `load ${i + 1}: ${template.aggregate}${template.vital === undefined ? '' : ` ${template.vital}`}${transaction === undefined ? '' : ` ${transaction}`} over ${windowSeconds} s`,
      kind: 'metric',
      aggregate: template.aggregate,
      ...(template.vital === undefined ? {} : { vital: template.vital }),
      ...(transaction === undefined ? {} : { filters: { transaction } }),
      windowSeconds,
      evaluateEverySeconds: LOAD_EVALUATE_EVERY_SECONDS,
      critical: template.critical,
      actions: actions.map((action) => ({ ...action })),
    };
    return { projectId: projectIds[i % projectIds.length], rule };
  });
}
