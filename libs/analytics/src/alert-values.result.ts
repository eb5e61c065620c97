import type { AlertValueAggregate, AlertValueRule } from './alert-values.query';

/**
 * Each rule's aggregate from the merged partials of its row (alert-values.query.ts), with the
 * formulas of the query API: latency percentiles and the vital p75 from the DDSketch merge, rates
 * and apdex as transactionFormulas, crash-free shares as releases.result.ts, the poor share as
 * web-vitals.result.ts. A rule without a row matched nothing: its value is null (no data), except
 * for the counts (error_count, throughput), where nothing matched means 0: an error-count alert
 * must be able to resolve when the errors stop.
 */

type Numeric = number | string;

/** One row of the alert values query: the rule's index and its dataset's merged partials (UInt64 arrive as strings). */
export interface AlertValuesRow {
  rule: Numeric;
  count?: Numeric;
  failures?: Numeric;
  quantiles?: Numeric[];
  satisfied?: Numeric;
  tolerated?: Numeric;
  poor?: Numeric;
  sessions?: Numeric;
  crashed?: Numeric;
  session_users?: Numeric;
  crashed_users?: Numeric;
}

const TRANSACTION_LEVELS: Partial<Record<AlertValueAggregate, number>> = { p50: 0, p75: 1, p95: 2, p99: 3 };
/** Index of 0.75 in the web vitals query's levels (0.5, 0.75, 0.95). */
const VITAL_P75 = 1;

const num = (value: Numeric | undefined): number => Number(value ?? 0);

function valueOfRow(rule: AlertValueRule, row: AlertValuesRow, windowMinutes: number): number | null {
  const count = num(row.count);
  const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
  switch (rule.aggregate) {
    case 'p50':
    case 'p75':
    case 'p95':
    case 'p99':
      return count > 0 ? num(row.quantiles?.[TRANSACTION_LEVELS[rule.aggregate] ?? 0]) : null;
    case 'throughput':
      return count / windowMinutes;
    case 'failure_rate':
      return ratio(num(row.failures), count);
    case 'apdex':
      return ratio(num(row.satisfied) + num(row.tolerated) / 2, count);
    case 'error_count':
      return count;
    case 'crash_free_sessions': {
      const started = num(row.sessions);
      return started > 0 ? 1 - num(row.crashed) / started : null;
    }
    case 'crash_free_users': {
      const users = num(row.session_users);
      return users > 0 ? 1 - num(row.crashed_users) / users : null;
    }
    case 'web_vital_p75':
      return count > 0 ? num(row.quantiles?.[VITAL_P75]) : null;
    case 'web_vital_poor_share':
      return ratio(num(row.poor), count);
  }
}

/** What a rule that matched no row answers. */
function valueOfNothing(rule: AlertValueRule): number | null {
  return rule.aggregate === 'error_count' || rule.aggregate === 'throughput' ? 0 : null;
}

/**
 * The value of every rule, in the order of `rules`, over the range `fromMs`–`toMs` (throughput is
 * per minute of the rule's window: from its own `fromMs` when it has one).
 */
export function toAlertValues(rules: readonly AlertValueRule[], rows: readonly AlertValuesRow[], range: { fromMs: number; toMs: number }): Array<number | null> {
  const byRule = new Map(rows.map((row) => [Number(row.rule), row]));
  return rules.map((rule, i) => {
    const row = byRule.get(i);
    return row === undefined ? valueOfNothing(rule) : valueOfRow(rule, row, (range.toMs - Math.max(range.fromMs, rule.fromMs ?? range.fromMs)) / 60_000);
  });
}
