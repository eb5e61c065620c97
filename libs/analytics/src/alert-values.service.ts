import { AnalyticsRepository } from './analytics.repository';
import { AlertValueDataset, alertValuesSource, AlertValueRule, checkAlertValueRules, compileAlertValues, MAX_RULES_PER_QUERY, ruleFitsRollup } from './alert-values.query';
import { AlertValuesRow, toAlertValues } from './alert-values.result';
import { RollupTiers } from './rollup-tiers';
import type { TimeRange } from './time-range';

/**
 * The values of many metric alert rules of one project, dataset and range: as few ClickHouse
 * queries as the rules allow. Rules whose filters the rollups cannot answer (a transaction filter
 * on errors) are queried apart on raw rows when the range is long enough for the rollups, so they do not pull the others off the rollups; each
 * part is cut into queries of at most MAX_RULES_PER_QUERY rules.
 */
export interface AlertValuesRequest {
  projectId: number;
  dataset: AlertValueDataset;
  range: TimeRange;
  rules: readonly AlertValueRule[];
}

export interface AlertValuesAnswer {
  /** Per rule, in the request's order; null: no data. */
  values: Array<number | null>;
  /** ClickHouse queries run. */
  queries: number;
  /** Their wall time, summed. */
  clickhouseMs: number;
}

export class AlertValuesService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly rollupTiers: RollupTiers,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async values(request: AlertValuesRequest): Promise<AlertValuesAnswer> {
    const { dataset, rules } = request;
    checkAlertValueRules(dataset, rules);
    const values: Array<number | null> = new Array<number | null>(rules.length).fill(null);
    if (rules.length === 0) return { values, queries: 0, clickhouseMs: 0 };
    const starts = await this.rollupTiers.starts();
    const indexes = rules.map((_, i) => i);
    // A short range reads raw rows whatever the filters: one part. A long one keeps the rules the rollups can answer on them.
    const readsRollup = alertValuesSource(dataset, request.range, []) === 'rollup';
    const parts = readsRollup ? [indexes.filter((i) => ruleFitsRollup(dataset, rules[i])), indexes.filter((i) => !ruleFitsRollup(dataset, rules[i]))] : [indexes];
    let queries = 0;
    let clickhouseMs = 0;
    for (const part of parts) {
      for (let offset = 0; offset < part.length; offset += MAX_RULES_PER_QUERY) {
        const chunk = part.slice(offset, offset + MAX_RULES_PER_QUERY);
        const chunkRules = chunk.map((i) => rules[i]);
        const query = compileAlertValues({ ...starts, projectId: request.projectId, dataset, range: request.range, rules: chunkRules, source: alertValuesSource(dataset, request.range, chunkRules) });
        const started = this.now();
        const rows = await this.repository.query<AlertValuesRow>(query);
        clickhouseMs += this.now() - started;
        queries += 1;
        toAlertValues(chunkRules, rows, request.range).forEach((value, j) => (values[chunk[j]] = value));
      }
    }
    return { values, queries, clickhouseMs };
  }
}
