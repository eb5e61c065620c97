import type { AlertValueAggregate, AlertValueDataset } from '@pulse/analytics';
import type { AlertAction, IssueTrigger } from '@pulse/notifiers';

/**
 * Alert rules as the API and the provisioning file take them (docs/alerts.md). Stored as JSON in
 * `alert_rules.definition` after parseAlertRule (rule-validation.ts) has checked and normalized
 * them: every optional field that has a default is filled in, so evaluators never re-apply defaults.
 */
export type AlertRuleDefinition = IssueRuleDefinition | MetricRuleDefinition | ReleaseRuleDefinition;
export type AlertRuleKind = AlertRuleDefinition['kind'];

interface RuleBase {
  name: string;
  /** Default true. */
  enabled: boolean;
  actions: AlertAction[];
}

// ---- issue rules: evaluated on the stream of grouped error events ----

export type IssueRuleTrigger =
  | { type: 'new_issue' }
  | { type: 'regression' }
  | { type: 'escalating' }
  /** More than `count` events of the issue within the last `windowSeconds`. */
  | { type: 'event_frequency'; count: number; windowSeconds: number }
  /** More than `count` distinct users of the issue within the last `windowSeconds`. */
  | { type: 'user_frequency'; count: number; windowSeconds: number }
  /** More than `percent` % of the project's sessions in the window had an event of the issue (events / sessions). */
  | { type: 'session_percent'; percent: number; windowSeconds: number };

export type { IssueTrigger };

export interface IssueRuleFilters {
  environment?: string;
  release?: string;
  /** The event's level is this one or more severe (debug < info < warning < error < fatal). */
  level?: 'debug' | 'info' | 'warning' | 'error' | 'fatal';
  platform?: string;
  /** Every tag named must have the given value on the event. */
  tags?: Record<string, string>;
}

export interface IssueRuleDefinition extends RuleBase {
  kind: 'issue';
  trigger: IssueRuleTrigger;
  filters: IssueRuleFilters;
  /** At most one notification per rule and issue in this many minutes. Default 30. */
  actionIntervalMinutes: number;
}

// ---- metric rules: evaluated on a schedule over ClickHouse ----

/** The aggregates and datasets are the read side's (@pulse/analytics alert-values.query.ts), which computes them. */
export type MetricAggregate = AlertValueAggregate;
export type MetricDataset = AlertValueDataset;
export type WebVitalName = 'lcp' | 'fcp' | 'cls' | 'inp' | 'ttfb';

/** Exactly one of the two. */
export type Threshold = { above: number } | { below: number };

export interface MetricRuleFilters {
  transaction?: string;
  environment?: string;
  release?: string;
}

export interface MetricRuleDefinition extends RuleBase {
  kind: 'metric';
  aggregate: MetricAggregate;
  /** Implied by the aggregate; checked against it when given. */
  dataset: MetricDataset;
  /** For web_vital_*. */
  vital?: WebVitalName;
  filters: MetricRuleFilters;
  /** 60 … 86400. */
  windowSeconds: number;
  /** 10 … 3600; default 60. */
  evaluateEverySeconds: number;
  /** Change alert: the value is the % change against the same window one hour, day or week earlier. */
  comparison?: 'hour' | 'day' | 'week';
  critical: Threshold;
  /** In the same direction as critical, and less severe. */
  warning?: Threshold;
  /** Back to OK only past this (hysteresis); default: no longer past warning (or critical). */
  resolve?: Threshold;
  /** Consecutive evaluations past a threshold before the state moves up. Default 1. */
  triggerAfter: number;
  /** Consecutive evaluations past the resolve threshold before it resolves. Default 1. */
  resolveAfter: number;
  /** After a resolve, no new incident for this rule for this long (a new crossing waits). Default 0. */
  guardSeconds: number;
}

// ---- release (canary) rules: a canary against its baseline, judged on a schedule ----

export type CanaryMetric = 'error_rate' | 'failure_rate' | 'p95' | 'crash_free_rate';

export interface CanaryMetricConfig {
  metric: CanaryMetric;
  /** A critical metric that fails fails the whole canary, whatever the score. */
  critical: boolean;
  /** Weight in the score; default 1. */
  weight: number;
}

export interface ReleaseThresholds {
  /** Fail when the canary opened more than this many new issues. */
  newIssuesAbove?: number;
  /** Fail when the canary's crash-free session rate (0–1) is below this. */
  crashFreeBelow?: number;
  /** Fail when the canary's failure rate (0–1) is above this. */
  failureRateAbove?: number;
}

export interface ReleaseRuleDefinition extends RuleBase {
  kind: 'release';
  canary: string;
  baseline: string;
  environment?: string;
  /** The analysis window, from the canary's first event (or `startAt`); 5 … 1440 minutes. */
  windowMinutes: number;
  /** ISO instant to start the window at; default the canary's first event. */
  startAt?: string;
  /** 60 … 3600; default 60. */
  evaluateEverySeconds: number;
  /** Default: all four; error_rate and failure_rate critical. */
  metrics: CanaryMetricConfig[];
  /** Mann–Whitney U confidence; default 0.98. */
  confidence: number;
  /**
   * Kayenta's tolerance, default 0.25: a metric is High (Low) only when the lower (upper) end of the
   * confidence interval of the difference is beyond `tolerance` × |the Hodges–Lehmann estimate| and
   * the mean ratio agrees (release/mann-whitney.ts).
   */
  tolerance: number;
  /** Score at or above: pass; default 75. */
  passScore: number;
  /** Score at or above (and below pass): marginal; default 50. */
  marginalScore: number;
  /** Sentry-style release thresholds, checked within the window. */
  thresholds: ReleaseThresholds;
}

/** A rule as stored and read back: its definition plus the row's bookkeeping. */
export interface StoredAlertRule<D extends AlertRuleDefinition = AlertRuleDefinition> {
  id: number;
  projectId: number;
  definition: D;
  provisionedFrom: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}
