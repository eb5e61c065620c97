/**
 * The documented shapes of the alert rules API. The body is not validated by these classes: the
 * controller takes it as JSON and hands it to parseAlertRule of @pulse/alerts, the one gate of
 * rules (the same for provisioning files), which names every problem by its field path. These
 * classes tell Swagger's readers what a rule holds; the limits quoted are the library's.
 */
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { MAX_ACTIONS_PER_RULE, MAX_RULE_NAME_LENGTH, REDACTED, RULE_KINDS } from '@pulse/alerts';
import type { AlertRuleDefinition, StoredAlertRule } from '@pulse/alerts';

@ApiSchema({ description: 'Exactly one of `above` and `below`, a finite number (a fraction 0–1 for rate aggregates unless `comparison` is set: then a % change).' })
export class AlertThresholdDto {
  @ApiPropertyOptional({ example: 500 }) above?: number;
  @ApiPropertyOptional() below?: number;
}

@ApiSchema({ description: 'Where a notification goes. Secrets (`secret`, `apiToken`) are answered as "[redacted]".' })
export class AlertActionDto {
  @ApiProperty({ enum: ['webhook', 'slack', 'jira'] }) type!: string;
  @ApiProperty({ description: 'webhook: where to POST; slack: the incoming-webhook URL; jira: the site, e.g. https://example.atlassian.net.', example: 'https://hooks.example.com/pulse' })
  url!: string;
  @ApiPropertyOptional({ description: `webhook: the key of the Sentry-Hook-Signature HMAC. Answered as "${REDACTED}"; sending "${REDACTED}" back keeps the stored one.` })
  secret?: string;
  @ApiPropertyOptional({ description: 'jira: the project key.', example: 'OPS' }) projectKey?: string;
  @ApiPropertyOptional({ description: 'jira: default Bug.' }) issueType?: string;
  @ApiPropertyOptional({ description: 'jira: the account the API token belongs to.' }) email?: string;
  @ApiPropertyOptional({ description: `jira: the API token. Answered as "${REDACTED}"; sending "${REDACTED}" back keeps the stored one.` }) apiToken?: string;
}

@ApiSchema({ description: 'What makes an issue rule fire for an event of an issue.' })
export class IssueRuleTriggerDto {
  @ApiProperty({ enum: ['new_issue', 'regression', 'escalating', 'event_frequency', 'user_frequency', 'session_percent'], example: 'event_frequency' }) type!: string;
  @ApiPropertyOptional({ description: 'event_frequency, user_frequency: more than this many events or users…', example: 100 }) count?: number;
  @ApiPropertyOptional({ description: 'session_percent: more than this % of the sessions had an event of the issue.' }) percent?: number;
  @ApiPropertyOptional({ description: '…within this many seconds (60 to 86400).', example: 60 }) windowSeconds?: number;
}

@ApiSchema({ description: 'A canary metric of a release rule.' })
export class CanaryMetricDto {
  @ApiProperty({ enum: ['error_rate', 'failure_rate', 'p95', 'crash_free_rate'] }) metric!: string;
  @ApiPropertyOptional({ description: 'A critical metric that fails fails the canary; default false.' }) critical?: boolean;
  @ApiPropertyOptional({ description: 'Weight in the score (0 < w ≤ 100); default 1.' }) weight?: number;
}

@ApiSchema({
  name: 'AlertRuleDefinition',
  description:
    'A rule as POST and PUT take it: the fields of its `kind`, and no other (an unknown field is a 400). Left-out fields get their defaults, ' +
    'and the answer shows the complete rule. Issue rules: trigger, filters (environment, release, level, platform, tags), actionIntervalMinutes. ' +
    'Metric rules: aggregate, dataset (implied by the aggregate), vital, filters (transaction, environment, release), windowSeconds, ' +
    'evaluateEverySeconds, comparison, critical, warning, resolve, triggerAfter, resolveAfter, guardSeconds. Release rules: canary, baseline, ' +
    'environment, windowMinutes, startAt, evaluateEverySeconds, metrics, confidence, tolerance, passScore, marginalScore, thresholds.',
})
export class AlertRuleDefinitionDto {
  @ApiProperty({ enum: RULE_KINDS, example: 'metric' }) kind!: string;
  @ApiProperty({ description: `1 to ${MAX_RULE_NAME_LENGTH} characters.`, example: 'checkout p95' }) name!: string;
  @ApiPropertyOptional({ description: 'Default true.' }) enabled?: boolean;
  @ApiProperty({ type: [AlertActionDto], description: `1 to ${MAX_ACTIONS_PER_RULE} actions.` }) actions!: AlertActionDto[];
  @ApiPropertyOptional({ type: IssueRuleTriggerDto, description: 'issue rules.' }) trigger?: IssueRuleTriggerDto;
  @ApiPropertyOptional({ description: 'Exact matches; issue rules: environment, release, level (this or more severe), platform, tags (≤ 10); metric rules: transaction, environment, release.' })
  filters?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'issue rules: at most one notification per rule and issue in this many minutes (1 to 10080); default 30.' }) actionIntervalMinutes?: number;
  @ApiPropertyOptional({
    enum: ['p50', 'p75', 'p95', 'p99', 'throughput', 'failure_rate', 'apdex', 'error_count', 'crash_free_sessions', 'crash_free_users', 'web_vital_p75', 'web_vital_poor_share'],
    description: 'metric rules.',
  })
  aggregate?: string;
  @ApiPropertyOptional({ enum: ['transactions', 'errors', 'sessions', 'web_vitals'], description: 'metric rules: implied by the aggregate; must match it when given.' }) dataset?: string;
  @ApiPropertyOptional({ enum: ['lcp', 'fcp', 'cls', 'inp', 'ttfb'], description: 'metric rules on web_vital_* aggregates (required there).' }) vital?: string;
  @ApiPropertyOptional({ description: 'metric rules: 60 to 86400.' }) windowSeconds?: number;
  @ApiPropertyOptional({ description: 'metric rules: 10 to 3600, default 60; release rules: 60 to 3600, default 60.' }) evaluateEverySeconds?: number;
  @ApiPropertyOptional({ enum: ['hour', 'day', 'week'], description: 'metric rules: a change alert in % against the same window this long before.' }) comparison?: string;
  @ApiPropertyOptional({ type: AlertThresholdDto, description: 'metric rules (required).' }) critical?: AlertThresholdDto;
  @ApiPropertyOptional({ type: AlertThresholdDto, description: 'metric rules: same direction as critical, less severe.' }) warning?: AlertThresholdDto;
  @ApiPropertyOptional({ type: AlertThresholdDto, description: 'metric rules: the other direction, at or past the first firing threshold (`critical: {above: 500}` → `resolve: {below: x}`, x ≤ 500).' })
  resolve?: AlertThresholdDto;
  @ApiPropertyOptional({ description: 'metric rules: 1 to 100 consecutive evaluations; default 1.' }) triggerAfter?: number;
  @ApiPropertyOptional({ description: 'metric rules: 1 to 100 consecutive evaluations; default 1.' }) resolveAfter?: number;
  @ApiPropertyOptional({ description: 'metric rules: 0 to 86400 s without a new incident after a resolve; default 0.' }) guardSeconds?: number;
  @ApiPropertyOptional({ description: 'release rules: the canary release.' }) canary?: string;
  @ApiPropertyOptional({ description: 'release rules: the release it is compared with (another one).' }) baseline?: string;
  @ApiPropertyOptional({ description: 'release rules: only this environment.' }) environment?: string;
  @ApiPropertyOptional({ description: 'release rules: 5 to 1440 minutes.' }) windowMinutes?: number;
  @ApiPropertyOptional({ description: 'release rules: ISO-8601 instant; default the canary’s first event.' }) startAt?: string;
  @ApiPropertyOptional({ type: [CanaryMetricDto], description: 'release rules: default all four, error_rate and failure_rate critical.' }) metrics?: CanaryMetricDto[];
  @ApiPropertyOptional({ description: 'release rules: in (0.5, 1); default 0.98.' }) confidence?: number;
  @ApiPropertyOptional({ description: 'release rules: 0 to 10; default 0.25.' }) tolerance?: number;
  @ApiPropertyOptional({ description: 'release rules: 0 to 100, at least marginalScore; default 75.' }) passScore?: number;
  @ApiPropertyOptional({ description: 'release rules: 0 to 100; default 50.' }) marginalScore?: number;
  @ApiPropertyOptional({ description: 'release rules: newIssuesAbove, crashFreeBelow (0–1), failureRateAbove (0–1).' }) thresholds?: Record<string, number>;
}

@ApiSchema({ name: 'AlertRule', description: 'A stored rule: its id, its complete definition (secrets redacted) and its bookkeeping.' })
export class AlertRuleDto extends AlertRuleDefinitionDto {
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 1 }) projectId!: number;
  @ApiProperty({ description: 'Bumped by every change.', example: 1 }) version!: number;
  @ApiProperty({ nullable: true, type: String, description: 'The provisioning file the rule comes from; such a rule is changed there (PUT and DELETE answer 409).' })
  provisionedFrom!: string | null;
  @ApiProperty({ description: 'The name of the token that created it, or `provisioning`.' }) createdBy!: string;
  @ApiProperty({ example: '2026-03-01T12:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-03-01T12:00:00.000Z' }) updatedAt!: string;
}

@ApiSchema({ name: 'AlertRuleList', description: 'The rules of a project, oldest first.' })
export class AlertRuleListDto {
  @ApiProperty({ type: [AlertRuleDto] }) data!: AlertRuleDto[];
}

/** The answer of a (redacted) stored rule: `{ id, ...definition, bookkeeping }`. */
export type AlertRuleView = { id: number } & AlertRuleDefinition & Omit<StoredAlertRule, 'id' | 'definition'>;

export function ruleView(rule: StoredAlertRule): AlertRuleView {
  const { id, definition, ...bookkeeping } = rule;
  return { id, ...definition, ...bookkeeping };
}
