import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { DELIVERY_STATES, INCIDENT_KINDS } from '@pulse/alerts';
import type { AlertRuleKind, DeliveryState, DeliveryView, IncidentView, ReleaseVerdictView } from '@pulse/alerts';

// The documented shapes of the @pulse/alerts read results; `implements` keeps the two in step.

const DETAILS = { type: 'object', additionalProperties: true } as const;

@ApiSchema({ description: 'One notification of an incident to one destination, as the outbox has it. Never carries the action’s secrets.' })
export class DeliveryDto implements DeliveryView {
  @ApiProperty({ example: 12 })
  id!: number;

  @ApiProperty({ type: Number, nullable: true, example: 7 })
  incidentId!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 3 })
  ruleId!: number | null;

  @ApiProperty({ enum: ['webhook', 'slack', 'jira'], example: 'webhook' })
  destination!: 'webhook' | 'slack' | 'jira';

  @ApiProperty({ description: 'Sent as the `Idempotency-Key` header; the same on every attempt of this delivery.', example: 'issue:3:42:new_issue:0' })
  idempotencyKey!: string;

  @ApiProperty({
    description: 'The URL sent to, credentials masked (`***`): no user info, no query values, no Slack webhook token.',
    example: 'https://hooks.example.com/pulse?token=***',
  })
  target!: string;

  @ApiProperty({ enum: DELIVERY_STATES, example: 'delivered' })
  state!: DeliveryState;

  @ApiProperty({ description: 'Attempts made so far.', example: 1 })
  attempts!: number;

  @ApiProperty({ type: String, nullable: true, description: 'ISO-8601: when a pending delivery is tried next; null once delivered or failed.' })
  nextAttemptAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  lastError!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 200 })
  lastStatusCode!: number | null;

  @ApiProperty({ description: 'ISO-8601.', example: '2026-12-07T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, description: 'ISO-8601.', example: '2026-12-07T10:00:01.000Z' })
  deliveredAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'What the destination answered that later deliveries need (a Jira issue key).', example: null })
  externalRef!: string | null;
}

@ApiSchema({ description: 'What an alert rule opened: an issue alert, a metric incident (from firing to resolved) or a release verdict.' })
export class IncidentDto implements IncidentView {
  @ApiProperty({ example: 7 })
  id!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'null once the rule was deleted.', example: 3 })
  ruleId!: number | null;

  @ApiProperty({ description: 'The rule’s name when the incident opened.', example: 'checkout p95 above 800 ms' })
  ruleName!: string;

  @ApiProperty({ enum: INCIDENT_KINDS, example: 'metric' })
  kind!: AlertRuleKind;

  @ApiProperty({ type: Number, nullable: true, description: 'The issue of an issue alert.', example: null })
  issueId!: number | null;

  @ApiProperty({ description: 'issue: `triggered`; metric: `warning`, `critical`, `resolved`; release: `pass`, `marginal`, `fail`.', example: 'critical' })
  status!: string;

  @ApiProperty({ description: 'ISO-8601.', example: '2026-12-07T10:00:00.000Z' })
  startedAt!: string;

  @ApiProperty({ type: String, nullable: true, description: 'ISO-8601; null while a metric incident is open (and for points).', example: null })
  resolvedAt!: string | null;

  @ApiProperty({ ...DETAILS, description: 'The evidence the evaluator wrote: trigger, value, thresholds, tests.' })
  details!: Record<string, unknown>;

  @ApiProperty({ type: [DeliveryDto] })
  deliveries!: DeliveryDto[];
}

export class IncidentListDto {
  @ApiProperty({ type: [IncidentDto], description: 'Incidents active in the range, newest start first.' })
  data!: IncidentDto[];
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto], description: 'Deliveries created in the range, newest first.' })
  data!: DeliveryDto[];
}

@ApiSchema({ description: 'The last verdict of a release (canary) rule.' })
export class ReleaseVerdictDto implements ReleaseVerdictView {
  @ApiProperty({ example: 5 })
  ruleId!: number;

  @ApiProperty({ example: 'canary shop@1.5.0' })
  ruleName!: string;

  @ApiProperty({ type: String, nullable: true, description: '`pending`, `pass`, `marginal` or `fail`; null before the rule has any state.', example: 'pass' })
  status!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'ISO-8601 of the last evaluation.' })
  evaluatedAt!: string | null;

  @ApiProperty({ ...DETAILS, nullable: true, description: 'The last evaluation’s verdict, score and tests, as the evaluator wrote them; null before the first evaluation.' })
  verdict!: Record<string, unknown> | null;
}
