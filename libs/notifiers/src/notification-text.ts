import type { MetricAlertNotification } from './notification';

/**
 * Text every destination derives from a notification the same way: how a metric alert reads as a
 * sentence, and how user data of any length is cut to a service's limit. Pure, shared by the
 * webhook, Slack and Jira renderings so that they never disagree on what an alert says.
 */

/**
 * Cuts to at most `limit` UTF-16 units, ending in `…`, never inside a surrogate pair; `escaped`
 * text (Slack mrkdwn) is never cut inside an `&amp;`, `&lt;` or `&gt;`.
 */
export function truncate(text: string, limit: number, { escaped = false }: { escaped?: boolean } = {}): string {
  if (text.length <= limit) return text;
  let cut = text.slice(0, limit - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  if (escaped) cut = cut.replace(/&[a-z]{0,3}$/, '');
  return `${cut}…`;
}

/** The threshold as a sentence fragment: `above 500`; empty for rules without one (no data). */
export function describeThreshold(threshold: MetricAlertNotification['threshold']): string {
  return threshold === null ? '' : `${threshold.direction} ${threshold.value}`;
}

/** Sentry's description_text: what was measured, over which window, with which filter. */
export function describeMetric(n: MetricAlertNotification): string {
  const value = n.value === null ? 'no data' : `${n.aggregate} = ${n.value}${n.comparison === undefined ? '' : `% compared with a ${n.comparison} before`}`;
  const threshold = n.threshold === null ? '' : ` (threshold: ${describeThreshold(n.threshold)})`;
  const filters = Object.entries(n.filters).map(([key, value]) => `${key}:${value}`);
  return `${value} in the last ${n.windowSeconds} s${threshold}${filters.length === 0 ? '' : `\nFilter: ${filters.join(' ')}`}`;
}
