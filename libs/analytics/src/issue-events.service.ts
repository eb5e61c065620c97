import { AnalyticsRepository } from './analytics.repository';
import { ErrorEventDetail, ErrorEventDetailRow, toErrorEventDetail } from './issue-event-detail';
import {
  compileFingerprintTotals,
  compileIssueEvent,
  compileIssueReleaseEnvironments,
  compileIssueSeries,
  compileIssueTopTags,
  compileIssueTotals,
  EventChoice,
  IssueFilters,
  IssueRef,
} from './issue-events.query';
import {
  FingerprintTotals,
  FingerprintTotalsRow,
  IssueBreakdown,
  IssueTotalsRow,
  ReleaseEnvironmentRow,
  SeriesRow,
  TagValueRow,
  toFingerprintTotals,
  toIssueBreakdown,
  toIssueSeries,
} from './issue-events.result';
import type { TimeRange } from './time-range';

/**
 * What an issue (kept in PostgreSQL by libs/issues) reads from ClickHouse: per-fingerprint totals
 * for issue lists, exact users, breakdowns, one event in full and the events series. Every read
 * goes through the AnalyticsRepository, so the read-class settings and row limits apply.
 */
export class IssueEventsService {
  constructor(private readonly repository: AnalyticsRepository) {}

  /** Per fingerprint in the range (and filters): for issue lists. At most `limit` rows (default 10_000), most recent first. Optional `fingerprints` restricts to those. */
  async fingerprintTotals(projectId: number, range: TimeRange, filters: IssueFilters, options: { fingerprints?: readonly string[]; limit?: number } = {}): Promise<FingerprintTotals[]> {
    if (options.fingerprints !== undefined && options.fingerprints.length === 0) return [];
    const { query } = compileFingerprintTotals({ projectId, range, filters, fingerprints: options.fingerprints, limit: options.limit });
    return toFingerprintTotals(await this.repository.query<FingerprintTotalsRow>(query));
  }

  /** Exact distinct users of an issue across all its hashes. */
  async userCount(issue: IssueRef, range: TimeRange, filters: IssueFilters): Promise<number> {
    const [row] = await this.repository.query<IssueTotalsRow>(compileIssueTotals(issue, range, filters));
    return Number(row?.users ?? 0);
  }

  /** Totals, per release × environment (top 100 by count), and top 10 values of each tag key. */
  async breakdown(issue: IssueRef, range: TimeRange, filters: IssueFilters): Promise<IssueBreakdown> {
    const [totals, pairs, tags] = await Promise.all([
      this.repository.query<IssueTotalsRow>(compileIssueTotals(issue, range, filters)),
      this.repository.query<ReleaseEnvironmentRow>(compileIssueReleaseEnvironments(issue, range, filters)),
      this.repository.query<TagValueRow>(compileIssueTopTags(issue, range, filters)),
    ]);
    return toIssueBreakdown(totals[0], pairs, tags);
  }

  /** One event in full; undefined when none matches in the range. */
  async event(issue: IssueRef, choice: EventChoice, range: TimeRange): Promise<ErrorEventDetail | undefined> {
    const [row] = await this.repository.query<ErrorEventDetailRow>(compileIssueEvent(issue, choice, range));
    return row === undefined ? undefined : toErrorEventDetail(row);
  }

  /** Events per bucket of `intervalMs` (every bucket present, zeros included), reading the errors_minute rollup where whole buckets allow. */
  async series(issue: IssueRef, range: TimeRange, intervalMs: number, filters: IssueFilters): Promise<Array<{ timestampMs: number; count: number }>> {
    const { query } = compileIssueSeries({ issue, range, intervalMs, filters });
    return toIssueSeries(await this.repository.query<SeriesRow>(query), range, intervalMs);
  }
}
