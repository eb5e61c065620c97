import { AnalyticsRepository } from './analytics.repository';
import { compileIssueWindowCounts, compileSessionsStarted } from './issue-alert-counts.query';
import type { IssueFilters, IssueRef } from './issue-events.query';
import type { IssueTotalsRow } from './issue-events.result';
import type { TimeRange } from './time-range';

/**
 * What the issue alerts (libs/alerts) count in ClickHouse for their frequency triggers, through
 * the AnalyticsRepository so that the read-class limits apply to the alerts app's reads too.
 */
export class IssueAlertCountsService {
  constructor(private readonly repository: AnalyticsRepository) {}

  /** Events and exact distinct users of the issue (all its hashes) in [from, to). */
  async issueEvents(issue: IssueRef, range: TimeRange, filters: IssueFilters): Promise<{ events: number; users: number }> {
    const [row] = await this.repository.query<IssueTotalsRow>(compileIssueWindowCounts(issue, range, filters));
    return { events: Number(row?.count ?? 0), users: Number(row?.users ?? 0) };
  }

  /** Sessions the project started in [from, to) (release and environment filters apply). */
  async sessionsStarted(projectId: number, range: TimeRange, filters: IssueFilters): Promise<number> {
    const [row] = await this.repository.query<{ sessions: number | string }>(compileSessionsStarted(projectId, range, filters));
    return Number(row?.sessions ?? 0);
  }
}
