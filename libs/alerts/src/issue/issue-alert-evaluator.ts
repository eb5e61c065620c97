/**
 * Issue alerts: the issue rules (alert-rule.ts) evaluated on the stream of error events, after
 * the issue processor has grouped them. The alerts app consumes the errors topic in its own
 * consumer group and hands each batch here with its position. For one batch:
 * 1. It waits (polling, with a deadline) until the issue processor has applied the same offsets
 *    (`applied_offsets` of consumer `issues`): the issues, their first events, regressions and
 *    escalations the rules read are then there. Past the deadline it throws IssuesNotRecordedYet
 *    and the app retries the batch later; it never evaluates on issues that are not written yet.
 * 2. Outside any transaction, it reads the rules of the batch's projects, each record's issue,
 *    and the frequency counts from ClickHouse: one window per (rule, issue) that is otherwise due
 *    (filters pass, action interval over), ending at the issue's latest such event in the batch —
 *    the count the batch leaves behind. No row lock is held while ClickHouse answers.
 * 3. In ONE transaction, exactly once per offset range (`applied_offsets` of consumer `alerts`),
 *    it decides per (record, rule), in Kafka order: each firing opens an incident, enqueues its
 *    notifications in the outbox and moves the rule's `alert_issue_fires` for the issue.
 * Records without an issue (client re-sends the consumer dropped before the recorder saw them) are
 * ignored; a re-send of an event that already alerted finds its incident and alerts nothing again.
 * The work per batch is bounded by rules × records in memory and rules × issues in ClickHouse reads.
 */
import { claimOffset, ISSUES_CONSUMER, ProjectNames, storeOffset } from '@pulse/issues';
import type { ErrorRecord } from '@pulse/model';
import type { IssueTrigger } from '@pulse/notifiers';
import { withTransaction } from '@pulse/state';
import type { Pool, PoolClient } from 'pg';
import { enqueueNotification } from '../delivery/outbox';
import { openIncident } from '../incidents/incident-writes';
import type { IssueRuleDefinition, StoredAlertRule } from '../rules/alert-rule';
import { enabledRules } from '../rules/rule-rows';
import { FrequencyCheck, IssueAlertCounts, runFrequencyChecks } from './issue-alert-counts';
import { issueAlertKeyBase, issueAlertNotification } from './issue-alert-notification';
import { AlertedIssue, alreadyAlerted, appliedOffset, fireKey, issuesOfRecords, lastFires, loadIssues, StatusEvent, statusEventKey, statusEvents, storeFire } from './issue-alert.queries';
import { actionIntervalOver, eventTriggerReason, isFrequencyTrigger, passesFilters } from './issue-rule-match';

/** The `applied_offsets.consumer` of the issue alerts. */
export const ALERTS_CONSUMER = 'alerts';

/** A batch of the errors topic as the alerts app consumed it. */
export interface IssueAlertPosition {
  topic: string;
  partition: number;
  /** The last offset of the batch (decimal: Kafka offsets are int64). */
  lastOffset: string;
}

export interface IssueAlertOutcome {
  /** False when the batch's offsets were evaluated before (nothing was decided again). */
  applied: boolean;
  fired: number;
  byTrigger: Record<IssueTrigger, number>;
}

export interface IssueAlertEvaluatorOptions {
  /** The project names short ids are made of (ProjectRegistry of @pulse/config). */
  projects: ProjectNames;
  /** How long a batch waits for the issue processor before IssuesNotRecordedYet. Default 10 s. */
  waitForIssuesMs?: number;
  /** How often the wait looks at `applied_offsets`. Default 100 ms. */
  pollMs?: number;
  /** The clock of action intervals, incidents and notifications. Default Date.now. */
  now?: () => number;
}

/** The issue processor has not applied the batch's offsets within the wait: retry the batch later. */
export class IssuesNotRecordedYet extends Error {
  constructor(
    readonly position: IssueAlertPosition,
    /** Where the issue processor stands on the partition; undefined: it never applied a batch there. */
    readonly issuesOffset: bigint | undefined,
    waitedMs: number,
  ) {
    super(
      `the issue processor has not applied ${position.topic}[${position.partition}] up to offset ${position.lastOffset} after ${waitedMs} ms ` +
        `(it stands at ${issuesOffset === undefined ? 'nothing' : String(issuesOffset)})`,
    );
    this.name = 'IssuesNotRecordedYet';
  }
}

type IssueRule = StoredAlertRule<IssueRuleDefinition>;

/** One alert that may fire: a rule and an issue at one record of the batch. */
interface Candidate {
  index: number;
  record: ErrorRecord;
  rule: IssueRule;
  issue: AlertedIssue;
  trigger: IssueTrigger;
  reason: string;
  userCount?: number;
}

const DEFAULT_WAIT_MS = 10_000;
const DEFAULT_POLL_MS = 100;
const DECIMAL_OFFSET = /^-?\d+$/;

export class IssueAlertEvaluator {
  private readonly waitForIssuesMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly projects: ProjectNames;

  constructor(
    private readonly pool: Pool,
    private readonly counts: IssueAlertCounts,
    options: IssueAlertEvaluatorOptions,
  ) {
    this.projects = options.projects;
    this.waitForIssuesMs = options.waitForIssuesMs ?? DEFAULT_WAIT_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.now = options.now ?? Date.now;
    if (!(this.waitForIssuesMs >= 0) || !(this.pollMs > 0)) throw new Error('waitForIssuesMs must be 0 or more and pollMs more than 0');
  }

  async evaluate(records: readonly ErrorRecord[], position: IssueAlertPosition): Promise<IssueAlertOutcome> {
    if (!DECIMAL_OFFSET.test(position.lastOffset)) throw new Error(`lastOffset must be a decimal Kafka offset, got ${JSON.stringify(position.lastOffset)}`);
    await this.waitForIssues(position);
    const applied = { consumer: ALERTS_CONSUMER, ...position };
    const done = await appliedOffset(this.pool, ALERTS_CONSUMER, position.topic, position.partition);
    if (done !== undefined && done >= BigInt(position.lastOffset)) return outcomeOf(false, []);
    const nowMs = this.now();
    const candidates = await this.candidates(records, nowMs);
    return withTransaction(this.pool, async (client) => {
      if (!(await claimOffset(client, applied))) return outcomeOf(false, []);
      const fired = await this.fire(client, candidates, nowMs);
      await storeOffset(client, applied);
      return outcomeOf(true, fired);
    });
  }

  private async waitForIssues(position: IssueAlertPosition): Promise<void> {
    const startedMs = Date.now();
    const wanted = BigInt(position.lastOffset);
    for (;;) {
      const issuesOffset = await appliedOffset(this.pool, ISSUES_CONSUMER, position.topic, position.partition);
      if (issuesOffset !== undefined && issuesOffset >= wanted) return;
      const waitedMs = Date.now() - startedMs;
      if (waitedMs >= this.waitForIssuesMs) throw new IssuesNotRecordedYet(position, issuesOffset, waitedMs);
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, this.waitForIssuesMs - waitedMs)));
    }
  }

  /**
   * Every alert the batch may fire, in Kafka order then rule id, read without a transaction:
   * the recorder has applied these offsets, so the issues, hashes and activities are there. The
   * action interval is checked again in the transaction (another batch may have fired since).
   */
  private async candidates(records: readonly ErrorRecord[], nowMs: number): Promise<Candidate[]> {
    if (records.length === 0) return [];
    const projectIds = [...new Set(records.map((record) => record.projectId))];
    const rules = await enabledRules<IssueRuleDefinition>(this.pool, 'issue', { projectIds });
    if (rules.length === 0) return [];
    const issueOf = await issuesOfRecords(this.pool, records);
    const issueIds = [...new Set(issueOf.values())];
    const issues = await loadIssues(this.pool, issueIds);
    const statuses = rules.some((rule) => rule.definition.trigger.type === 'regression' || rule.definition.trigger.type === 'escalating')
      ? await statusEvents(this.pool, issueIds, records.map((record) => record.eventId))
      : new Map<string, StatusEvent[]>();
    const rulesOf = new Map<number, IssueRule[]>();
    for (const rule of rules) rulesOf.set(rule.projectId, [...(rulesOf.get(rule.projectId) ?? []), rule]);

    const candidates: Candidate[] = [];
    // Frequency triggers: the latest event (by time) of each (rule, issue) that passes the filters.
    const latest = new Map<string, { index: number; rule: IssueRule; issue: AlertedIssue }>();
    records.forEach((record, index) => {
      const issueId = issueOf.get(index);
      const issue = issueId === undefined ? undefined : issues.get(issueId);
      if (issue === undefined) return;
      for (const rule of rulesOf.get(record.projectId) ?? []) {
        const { trigger, filters } = rule.definition;
        if (!passesFilters(filters, record)) continue;
        if (isFrequencyTrigger(trigger)) {
          const key = fireKey(rule.id, issue.id);
          const seen = latest.get(key);
          if (seen === undefined || record.timestampMs >= records[seen.index].timestampMs) latest.set(key, { index, rule, issue });
        } else if (trigger.type === 'new_issue') {
          if (issue.firstEventId === record.eventId) candidates.push({ index, record, rule, issue, trigger: 'new_issue', reason: eventTriggerReason('new_issue') });
        } else {
          const kind = trigger.type === 'regression' ? 'set_regression' : 'set_escalating';
          const change = statuses.get(statusEventKey(issue.id, record.eventId))?.find((status) => status.kind === kind);
          if (change !== undefined) candidates.push({ index, record, rule, issue, trigger: trigger.type, reason: eventTriggerReason(trigger.type, change.reason) });
        }
      }
    });
    candidates.push(...(await this.frequencyCandidates(records, latest, nowMs)));
    return candidates.sort((a, b) => a.index - b.index || a.rule.id - b.rule.id);
  }

  /** The frequency alerts past their threshold; ClickHouse is asked only for the (rule, issue) pairs whose action interval is over. */
  private async frequencyCandidates(records: readonly ErrorRecord[], latest: Map<string, { index: number; rule: IssueRule; issue: AlertedIssue }>, nowMs: number): Promise<Candidate[]> {
    if (latest.size === 0) return [];
    const fires = await lastFires(this.pool, [...latest.values()].map(({ rule, issue }) => ({ ruleId: rule.id, issueId: issue.id })));
    const checks: FrequencyCheck[] = [];
    for (const [key, { index, rule, issue }] of latest) {
      const { trigger, filters, actionIntervalMinutes } = rule.definition;
      if (!isFrequencyTrigger(trigger) || !actionIntervalOver(fires.get(key), actionIntervalMinutes, nowMs)) continue;
      checks.push({
        key,
        trigger,
        issue: { projectId: issue.projectId, hashes: issue.hashes },
        atMs: records[index].timestampMs,
        filters: { environment: filters.environment, release: filters.release },
      });
    }
    const outcomes = await runFrequencyChecks(this.counts, checks);
    const candidates: Candidate[] = [];
    for (const [key, { index, rule, issue }] of latest) {
      const outcome = outcomes.get(key);
      if (outcome === undefined || !outcome.fires) continue;
      const trigger = rule.definition.trigger.type;
      const userCount = trigger === 'user_frequency' ? outcome.counts.users : undefined;
      candidates.push({ index, record: records[index], rule, issue, trigger, reason: outcome.reason, userCount });
    }
    return candidates;
  }

  /** Opens the incidents and enqueues the notifications of the candidates still due; the triggers that fired. */
  private async fire(client: PoolClient, candidates: readonly Candidate[], nowMs: number): Promise<IssueTrigger[]> {
    if (candidates.length === 0) return [];
    const fires = await lastFires(client, candidates.map(({ rule, issue }) => ({ ruleId: rule.id, issueId: issue.id })));
    const fired: IssueTrigger[] = [];
    for (const candidate of candidates) {
      const { rule, issue, record, trigger, reason } = candidate;
      const key = fireKey(rule.id, issue.id);
      if (!actionIntervalOver(fires.get(key), rule.definition.actionIntervalMinutes, nowMs)) continue;
      if (await alreadyAlerted(client, rule.id, issue.id, trigger, trigger === 'new_issue' ? null : record.eventId)) continue;
      const incidentId = await openIncident(client, {
        projectId: issue.projectId,
        ruleId: rule.id,
        ruleName: rule.definition.name,
        kind: 'issue',
        issueId: issue.id,
        status: 'triggered',
        startedAtMs: nowMs,
        details: { trigger, reason, eventId: record.eventId },
      });
      const projectName = this.projects.project(issue.projectId)?.name ?? String(issue.projectId);
      const notification = issueAlertNotification({ rule, issue, projectName, record, trigger, reason, incidentId, atMs: nowMs, userCount: candidate.userCount });
      await enqueueNotification(client, { notification, actions: rule.definition.actions, keyBase: issueAlertKeyBase(rule.id, issue.id, trigger, record.eventId) });
      await storeFire(client, rule.id, issue.id, nowMs);
      fires.set(key, nowMs);
      fired.push(trigger);
    }
    return fired;
  }
}

function outcomeOf(applied: boolean, fired: readonly IssueTrigger[]): IssueAlertOutcome {
  const byTrigger: Record<IssueTrigger, number> = { new_issue: 0, regression: 0, escalating: 0, event_frequency: 0, user_frequency: 0, session_percent: 0 };
  for (const trigger of fired) byTrigger[trigger]++;
  return { applied, fired: fired.length, byTrigger };
}
