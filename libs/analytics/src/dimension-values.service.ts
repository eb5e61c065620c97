import { AnalyticsRepository } from './analytics.repository';
import { compileDimensionValues, DEFAULT_LOOKBACK_MS, Dimension } from './dimension-values.query';
import type { TimeRange } from './time-range';

/** The values of one dimension seen in a project: dropdowns, template variables, ad-hoc filter values. */
export class DimensionValuesService {
  constructor(private readonly repository: AnalyticsRepository) {}

  /** Without a range: the last DEFAULT_LOOKBACK_MS. */
  async values(projectId: number, dimension: Dimension, range: TimeRange = lastMs(DEFAULT_LOOKBACK_MS)): Promise<string[]> {
    const rows = await this.repository.query<{ value: string }>(compileDimensionValues(projectId, dimension, range));
    return rows.map((row) => row.value);
  }
}

function lastMs(lookbackMs: number): TimeRange {
  const toMs = Date.now();
  return { fromMs: toMs - lookbackMs, toMs };
}
