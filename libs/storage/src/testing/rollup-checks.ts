import { VITAL_THRESHOLDS } from '@pulse/model';

/**
 * Each rollup column next to the same aggregate computed on the raw table, for the rollup test.
 * The raw side is written here from the metric definitions (and the vital thresholds from
 * libs/model), not copied from the materialized views.
 */
export interface RollupCheck {
  rollup: string;
  raw: string;
  /** The rollup's time column, and the raw expression that gives it. */
  time: { column: 'minute' | 'hour' | 'day'; raw: string };
  dimensions: string[];
  /** Column alias → [merge over the rollup, the same aggregate over the raw rows]. */
  columns: Record<string, [string, string]>;
  /** Float sums: equal up to the order of additions, so compared to 1e-9 relative. */
  approximate?: string[];
}

const LEVELS = '0.01, 0.5, 0.75, 0.95, 0.99';
/** Other levels than the states were created with: a merge may ask for any. */
const OTHER_LEVELS = '0.01, 0.1, 0.9, 0.999';
const quantileColumns = (state: string, value: string): Record<string, [string, string]> => ({
  quantiles: [`quantilesDDMerge(${LEVELS})(${state})`, `quantilesDD(${LEVELS})(${value})`],
  other_quantiles: [`quantilesDDMerge(${OTHER_LEVELS})(${state})`, `quantilesDD(${OTHER_LEVELS})(${value})`],
});

/** The minute of the raw row's `column` (timestamp; sessions count by their start). */
const minuteOf = (column: string): RollupCheck['time'] => ({ column: 'minute', raw: `toStartOfMinute(toDateTime(${column}, 'UTC'))` });
const COUNT: [string, string] = ['sum(count)', 'count()'];
const USERS: [string, string] = ['uniqMerge(users)', "uniqIf(user_id, user_id != '')"];

const rated = Object.entries(VITAL_THRESHOLDS);
const threshold = (side: 'good' | 'poor') =>
  `transform(toString(vital), [${rated.map(([vital]) => `'${vital}'`).join(', ')}], [${rated.map(([, t]) => `toFloat64(${t[side]})`).join(', ')}], nan)`;

export const ROLLUP_CHECKS: RollupCheck[] = [
  {
    rollup: 'transactions_minute',
    raw: 'transactions',
    time: minuteOf('timestamp'),
    dimensions: ['project_id', 'name', 'release', 'environment'],
    columns: {
      count: COUNT,
      failures: ['sum(failures)', "countIf(status NOT IN ('ok', 'cancelled', 'unknown'))"],
      ...quantileColumns('duration_quantiles', 'duration_ms'),
      duration_sum: ['sum(duration_sum)', 'sum(duration_ms)'],
      duration_max: ['max(duration_max)', 'max(duration_ms)'],
      satisfied: ['sum(satisfied)', 'countIf(duration_ms <= 300)'],
      tolerated: ['sum(tolerated)', 'countIf(duration_ms > 300 AND duration_ms <= 1200)'],
      users: USERS,
      miserable_users: ['uniqMerge(miserable_users)', "uniqIf(user_id, user_id != '' AND duration_ms > 1200)"],
    },
  },
  {
    rollup: 'web_vitals_minute',
    raw: 'web_vitals',
    time: minuteOf('timestamp'),
    dimensions: ['project_id', 'vital', 'page', 'release', 'environment', 'browser_name'],
    columns: {
      count: COUNT,
      ...quantileColumns('value_quantiles', 'value'),
      good: ['sum(good)', `countIf(value <= ${threshold('good')})`],
      needs_improvement: ['sum(needs_improvement)', `countIf(value > ${threshold('good')} AND value <= ${threshold('poor')})`],
      poor: ['sum(poor)', `countIf(value > ${threshold('poor')})`],
      value_sum: ['sum(value_sum)', 'sum(value)'],
    },
    approximate: ['value_sum'],
  },
  {
    rollup: 'errors_minute',
    raw: 'errors',
    time: minuteOf('timestamp'),
    dimensions: ['project_id', 'fingerprint', 'release', 'environment'],
    columns: {
      count: COUNT,
      users: USERS,
      first_seen: ['min(first_seen)', 'min(timestamp)'],
      last_seen: ['max(last_seen)', 'max(timestamp)'],
      // The generated groups keep one title, culprit and level each, so any value is the value.
      title: ['anyLast(title)', 'any(title)'],
      culprit: ['anyLast(culprit)', 'any(culprit)'],
      level: ['anyLast(level)', 'any(level)'],
      unhandled: ['sum(unhandled)', 'countIf(NOT handled)'],
    },
  },
  {
    rollup: 'sessions_minute',
    raw: 'sessions',
    time: minuteOf('started'),
    dimensions: ['project_id', 'release', 'environment'],
    columns: {
      started_sessions: ['sum(started_sessions)', 'sumIf(quantity, init)'],
      crashed_sessions: ['sum(crashed_sessions)', "sumIf(quantity, status = 'crashed')"],
      abnormal_sessions: ['sum(abnormal_sessions)', "sumIf(quantity, status = 'abnormal')"],
      errored_session_ids: [
        'uniqMerge(errored_session_ids)',
        "uniqIf(session_id, session_id != '' AND (errors > 0 OR status IN ('errored', 'crashed', 'abnormal')))",
      ],
      errored_sessions_aggregated: ['sum(errored_sessions_aggregated)', "sumIf(quantity, session_id = '' AND status != 'exited')"],
      users: ['uniqMerge(users)', "uniqIf(distinct_id, distinct_id != '')"],
      crashed_users: ['uniqMerge(crashed_users)', "uniqIf(distinct_id, distinct_id != '' AND status = 'crashed')"],
    },
  },
];

/** An hour rollup holds its minute rollup's columns per hour; transactions_hour adds the first minute (release health). */
function hourly(minuteCheck: RollupCheck, rollup: string, extra: RollupCheck['columns'] = {}): RollupCheck {
  return { ...minuteCheck, rollup, time: { column: 'hour', raw: "toStartOfHour(toDateTime(timestamp, 'UTC'))" }, columns: { ...minuteCheck.columns, ...extra } };
}

const check = (rollup: string) => ROLLUP_CHECKS.find((c) => c.rollup === rollup) as RollupCheck;

export const HOUR_ROLLUP_CHECKS: RollupCheck[] = [
  hourly(check('transactions_minute'), 'transactions_hour', { first_minute: ['min(first_minute)', "min(toStartOfMinute(toDateTime(timestamp, 'UTC')))"] }),
  hourly(check('web_vitals_minute'), 'web_vitals_hour'),
];

/** The day rollups (0009) hold the hour rollups' columns per day, first_minute included. */
export const DAY_ROLLUP_CHECKS: RollupCheck[] = HOUR_ROLLUP_CHECKS.map((hourCheck) => ({
  ...hourCheck,
  rollup: hourCheck.rollup.replace(/_hour$/, '_day'),
  time: { column: 'day', raw: "toStartOfDay(toDateTime(timestamp, 'UTC'))" },
}));

/** The rollup query and the raw query of a check, grouped by its dimensions (and its time column, or over all time). */
export function rollupAndRawQueries(check: RollupCheck, byTime: boolean): { rollup: string; raw: string } {
  const { column } = check.time;
  const keys = [...check.dimensions, ...(byTime ? [column] : [])].join(', ');
  const select = (side: 0 | 1) => Object.entries(check.columns).map(([alias, sides]) => `${sides[side]} AS ${alias}`).join(',\n  ');
  const rawMinute = byTime ? `${check.time.raw} AS ${column}, ` : '';
  return {
    rollup: `SELECT ${keys},\n  ${select(0)}\nFROM ${check.rollup} GROUP BY ${keys} ORDER BY ${keys}`,
    raw: `SELECT ${check.dimensions.join(', ')}, ${rawMinute}\n  ${select(1)}\nFROM ${check.raw} GROUP BY ${keys} ORDER BY ${keys}`,
  };
}
