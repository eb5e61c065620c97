/**
 * The limits of alert rule definitions, in one place: the validators enforce them, the API's
 * documentation quotes them, and alert-rule.ts documents the same ranges in words.
 */
export const MAX_RULE_NAME_LENGTH = 200;
export const MAX_ACTIONS_PER_RULE = 10;
export const MAX_FILTER_TAGS = 10;
/** Filter values (environment, release, transaction, platform, tag values) and tag keys. */
export const MAX_FILTER_VALUE_LENGTH = 200;
/** Issue triggers' and metric rules' windows. */
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 86_400;
export const DEFAULT_ACTION_INTERVAL_MINUTES = 30;
/** A week. */
export const MAX_ACTION_INTERVAL_MINUTES = 10_080;
/** Metric rules: 10 s … 1 h; release rules: 1 min … 1 h. */
export const MIN_METRIC_EVALUATE_EVERY_SECONDS = 10;
export const MIN_RELEASE_EVALUATE_EVERY_SECONDS = 60;
export const MAX_EVALUATE_EVERY_SECONDS = 3_600;
export const DEFAULT_EVALUATE_EVERY_SECONDS = 60;
/** triggerAfter and resolveAfter: consecutive evaluations. */
export const MAX_CONSECUTIVE_EVALUATIONS = 100;
export const MAX_GUARD_SECONDS = 86_400;
export const MIN_RELEASE_WINDOW_MINUTES = 5;
export const MAX_RELEASE_WINDOW_MINUTES = 1_440;
/** Counts in triggers and release thresholds. */
export const MAX_COUNT = 1_000_000_000;
