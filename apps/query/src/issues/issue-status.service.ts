import { Inject, Injectable } from '@nestjs/common';
import { activityView, InvalidStatusChange, IssueNotFound, IssueStore, IssueWorkflow, MAX_ISSUES_PER_CHANGE } from '@pulse/issues';
import type { Issue } from '@pulse/issues';
import { ApiError } from '@pulse/platform';
import { ISSUE_READER, QueryIssueReader } from './issue-read.providers';
import { bulkIssueIdsOf, IssueActivityDto, IssueStatusChangeDto, IssueStatusResponseDto, statusChangeOf } from './issue-status.dto';

/** The activity entries GET …/activity answers, newest first. */
export const ACTIVITY_LIMIT = 100;

/**
 * The write side of the issue API: parses a change, finds the issues (numeric or short ids, through
 * the reads' IssueReader.find: 400 for neither, 404 for an issue not in the project), applies it through IssueWorkflow as the token's actor, and answers Sentry's
 * fields. Workflow errors become 404 (an issue not in the project) or 400 (a change that cannot
 * be made, e.g. in the next release of a project without releases).
 */
@Injectable()
export class IssueStatusService {
  constructor(
    private readonly workflow: IssueWorkflow,
    private readonly store: IssueStore,
    @Inject(ISSUE_READER) private readonly reader: QueryIssueReader,
  ) {}

  async changeOne(projectId: number, issueId: string, body: IssueStatusChangeDto, actor: string): Promise<IssueStatusResponseDto> {
    const change = statusChangeOf(body, Date.now());
    const issue = await this.reader.find(projectId, issueId);
    return statusFields(await this.change(projectId, [issue.id], change, actor));
  }

  async changeMany(projectId: number, ids: string | string[] | undefined, body: IssueStatusChangeDto, actor: string): Promise<IssueStatusResponseDto> {
    const change = statusChangeOf(body, Date.now());
    return statusFields(await this.change(projectId, bulkIssueIdsOf(ids, MAX_ISSUES_PER_CHANGE), change, actor));
  }

  async activity(projectId: number, issueId: string): Promise<IssueActivityDto[]> {
    const issue = await this.reader.find(projectId, issueId);
    return (await this.store.activity(projectId, issue.id, ACTIVITY_LIMIT)).map(activityView);
  }

  private async change(...args: Parameters<IssueWorkflow['changeStatus']>): Promise<Issue[]> {
    try {
      return await this.workflow.changeStatus(...args);
    } catch (error) {
      if (error instanceof IssueNotFound) throw new ApiError(404, error.message);
      if (error instanceof InvalidStatusChange) throw new ApiError(400, error.message);
      throw error;
    }
  }
}

/** Every issue of a change ends with the same status fields: the first one's are the answer. */
function statusFields(issues: readonly Issue[]): IssueStatusResponseDto {
  const [first] = issues;
  return { status: first.status, substatus: first.substatus, statusDetails: first.statusDetails };
}
