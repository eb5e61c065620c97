import type { IssueFilters, IssueRef, TimeRange } from '@pulse/analytics';
import { FrequencyTrigger, frequencyVerdict, Verdict, windowEndingAt, WindowCounts } from './issue-rule-match';

/**
 * The frequency triggers' ClickHouse side. The evaluator reads every count a batch needs BEFORE
 * its PostgreSQL transaction (no row lock is held while ClickHouse answers), one check per
 * (rule, issue) and batch, a few at a time; the transaction then only decides on the answers.
 */

/** What the evaluator counts in ClickHouse: IssueAlertCountsService of @pulse/analytics satisfies it; specs may pass it too. */
export interface IssueAlertCounts {
  /** Events and distinct users of the issue (all its hashes) in [from, to). */
  issueEvents(issue: IssueRef, range: TimeRange, filters: IssueFilters): Promise<{ events: number; users: number }>;
  /** Sessions the project started in [from, to). */
  sessionsStarted(projectId: number, range: TimeRange, filters: IssueFilters): Promise<number>;
}

/** One count to make: the rule's window ending at `atMs`, the time of the issue's event it is checked at. */
export interface FrequencyCheck {
  key: string;
  trigger: FrequencyTrigger;
  issue: IssueRef;
  atMs: number;
  /** The rule's filters ClickHouse can apply (the others were applied to the event itself). */
  filters: IssueFilters;
}

export interface FrequencyOutcome extends Verdict {
  counts: WindowCounts;
}

/** ClickHouse reads of one batch in flight at once. */
export const COUNT_CONCURRENCY = 4;

/** Each check's verdict, keyed by its key. A failed read fails the batch (it is retried), never a silent "no alert". */
export async function runFrequencyChecks(counts: IssueAlertCounts, checks: readonly FrequencyCheck[]): Promise<Map<string, FrequencyOutcome>> {
  const outcomes = new Map<string, FrequencyOutcome>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < checks.length) {
      const check = checks[next++];
      const range = windowEndingAt(check.atMs, check.trigger.windowSeconds);
      const [issueCounts, sessions] = await Promise.all([
        counts.issueEvents(check.issue, range, check.filters),
        check.trigger.type === 'session_percent' ? counts.sessionsStarted(check.issue.projectId, range, check.filters) : Promise.resolve(undefined),
      ]);
      const windowCounts: WindowCounts = { ...issueCounts, ...(sessions === undefined ? {} : { sessions }) };
      outcomes.set(check.key, { ...frequencyVerdict(check.trigger, windowCounts), counts: windowCounts });
    }
  };
  await Promise.all(Array.from({ length: Math.min(COUNT_CONCURRENCY, checks.length) }, worker));
  return outcomes;
}
