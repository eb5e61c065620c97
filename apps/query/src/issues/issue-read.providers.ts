import type { Provider } from '@nestjs/common';
import { ErrorEventDetail, IssueEventsService } from '@pulse/analytics';
import type { ProjectRegistry } from '@pulse/config';
import { IssueReader, IssueStore } from '@pulse/issues';
import { PROJECT_REGISTRY, QUERY_LIMITS, QueryLimits } from '../query.tokens';

/**
 * The issue read side of the query app: one IssueReader over the issues of PostgreSQL (the app's
 * IssueStore) and their events in ClickHouse (IssueEventsService), with the project registry for short
 * ids and QUERY_MAX_RANGE_DAYS for the range of an issue's detail.
 */

/** The injection token of the app's IssueReader. */
export const ISSUE_READER = Symbol('ISSUE_READER');

/** An event as the issue endpoints answer it (before its trace link is added). */
export type IssueEventDetail = ErrorEventDetail;

export type QueryIssueReader = IssueReader<IssueEventDetail>;

export const issueReaderProvider: Provider = {
  provide: ISSUE_READER,
  inject: [IssueStore, IssueEventsService, PROJECT_REGISTRY, QUERY_LIMITS],
  useFactory: (store: IssueStore, events: IssueEventsService, registry: ProjectRegistry, limits: QueryLimits): QueryIssueReader =>
    new IssueReader(store, events, registry, { maxRangeDays: limits.maxRangeDays }),
};
