import { QueryParameterError } from '@pulse/analytics';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { bulkIssueIdsOf, IssueStatusChangeDto, statusChangeOf } from './issue-status.dto';

const NOW = Date.parse('2026-03-01T12:00:00Z');

/** The body as the app's ValidationPipe sees it: the problems it names, or the converted change. */
function parse(body: unknown): ReturnType<typeof statusChangeOf> | string[] {
  const dto = plainToInstance(IssueStatusChangeDto, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...(error.children ?? []).flatMap((child) => Object.values(child.constraints ?? {})),
  ]);
  return problems.length > 0 ? problems : statusChangeOf(dto, NOW);
}

describe('IssueStatusChangeDto → StatusChange', () => {
  it.each([
    [{ status: 'unresolved' }, { status: 'unresolved' }],
    [{ status: 'resolved' }, { status: 'resolved', resolution: { kind: 'resolved' } }],
    [{ status: 'resolved', statusDetails: {} }, { status: 'resolved', resolution: { kind: 'resolved' } }],
    [{ status: 'resolved', statusDetails: { inNextRelease: true } }, { status: 'resolved', resolution: { kind: 'in_next_release' } }],
    [{ status: 'resolvedInNextRelease' }, { status: 'resolved', resolution: { kind: 'in_next_release' } }],
    [{ status: 'resolved', statusDetails: { inRelease: '1.2.0' } }, { status: 'resolved', resolution: { kind: 'in_release', release: '1.2.0' } }],
    [{ status: 'ignored' }, { status: 'ignored', ignore: {} }],
    [{ status: 'ignored', statusDetails: { ignoreCount: 100, ignoreWindow: 60 } }, { status: 'ignored', ignore: { count: 100, windowMinutes: 60 } }],
    [{ status: 'ignored', statusDetails: { ignoreUserCount: 5, ignoreUserWindow: 10080 } }, { status: 'ignored', ignore: { userCount: 5, userWindowMinutes: 10080 } }],
    [{ status: 'ignored', statusDetails: { ignoreDuration: 30 } }, { status: 'ignored', ignore: { untilMs: NOW + 30 * 60_000 } }],
    [{ status: 'ignored', statusDetails: { ignoreUntil: '2026-03-02T00:00:00Z' } }, { status: 'ignored', ignore: { untilMs: Date.parse('2026-03-02T00:00:00Z') } }],
  ])('converts %j', (body, change) => {
    expect(parse(body)).toEqual(change);
  });

  it.each([
    [{ status: 'muted' }, 'status must be one of unresolved, resolved, ignored, resolvedInNextRelease'],
    [{}, 'status must be one of unresolved, resolved, ignored, resolvedInNextRelease'],
    [{ status: 'ignored', statusDetails: { ignoreCount: -1 } }, 'ignoreCount must not be less than 1'],
    [{ status: 'ignored', statusDetails: { ignoreCount: 10, ignoreWindow: 10081 } }, 'ignoreWindow must not be greater than 10080'],
    [{ status: 'ignored', statusDetails: { ignoreUntil: 'tomorrow' } }, 'ignoreUntil must be a valid ISO 8601 date string'],
    [{ status: 'ignored', statusDetails: { ignoreForever: true } }, 'property ignoreForever should not exist'],
    [{ status: 'resolved', extra: 1 }, 'property extra should not exist'],
  ])('refuses %j in validation', (body, problem) => {
    expect(parse(body)).toEqual(expect.arrayContaining([problem]));
  });

  it.each([
    [{ status: 'ignored', statusDetails: { inRelease: '1.2.0' } }, 'statusDetails.inRelease cannot go with status "ignored" (they are resolutions)'],
    [{ status: 'resolved', statusDetails: { ignoreCount: 5 } }, 'statusDetails.ignoreCount cannot go with status "resolved" (they are ignore conditions)'],
    [{ status: 'unresolved', statusDetails: { inNextRelease: true } }, 'statusDetails.inNextRelease cannot go with status "unresolved"'],
    [{ status: 'resolvedInNextRelease', statusDetails: { inRelease: '1.0.0' } }, 'statusDetails.inRelease cannot go with status "resolvedInNextRelease"'],
    [{ status: 'resolved', statusDetails: { inNextRelease: true, inRelease: '1.0.0' } }, 'statusDetails.inNextRelease and statusDetails.inRelease exclude each other'],
    [{ status: 'ignored', statusDetails: { ignoreDuration: 5, ignoreUntil: '2026-03-02T00:00:00Z' } }, 'statusDetails.ignoreDuration and statusDetails.ignoreUntil exclude each other: give one end of the ignore'],
    [{ status: 'ignored', statusDetails: { ignoreUntil: '2026-03-01T11:59:00Z' } }, 'statusDetails.ignoreUntil 2026-03-01T11:59:00Z is not in the future'],
  ])('refuses the combination %j', (body, message) => {
    expect(() => parse(body)).toThrow(new QueryParameterError(message));
  });
});

describe('bulkIssueIdsOf', () => {
  it('reads one or many ids', () => {
    expect(bulkIssueIdsOf('7', 100)).toEqual([7]);
    expect(bulkIssueIdsOf(['7', '9'], 100)).toEqual([7, 9]);
  });

  it('refuses no id, too many, and ids that are not positive integers', () => {
    expect(() => bulkIssueIdsOf(undefined, 100)).toThrow('name the issues to change: ?id=1&id=2 (a change of every issue is not offered)');
    expect(() => bulkIssueIdsOf([], 100)).toThrow(QueryParameterError);
    expect(() => bulkIssueIdsOf(['1', '2', '3'], 2)).toThrow('at most 2 issues per change, not 3');
    for (const bad of ['0', '-1', '1.5', 'SHOP-1', '']) expect(() => bulkIssueIdsOf(bad, 100)).toThrow(`id ${JSON.stringify(bad)} is not an issue id`);
  });
});
