import { QueryParameterError, ReadFailure } from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import { toApiError } from './analytics-errors';

describe('toApiError', () => {
  const answer = (error: unknown) => {
    const mapped = toApiError(error);
    expect(mapped).toBeInstanceOf(ApiError);
    const apiError = mapped as ApiError;
    return { status: apiError.getStatus(), body: apiError.getResponse(), headers: apiError.headers };
  };

  it('answers a wrong parameter with 400 and its message', () => {
    expect(answer(new QueryParameterError('to must be after from'))).toEqual({ status: 400, body: { detail: 'to must be after from' }, headers: {} });
  });

  it('answers the analytics repository row cap with 400 and its message', () => {
    const detail = 'the answer has more than 50 rows; narrow the time range or add filters';
    expect(answer(new ReadFailure('too_many_rows', detail))).toEqual({ status: 400, body: { detail }, headers: {} });
  });

  it('answers nothing found with 404, a slow query with 503, a busy or unreachable ClickHouse with 503 and Retry-After', () => {
    expect(answer(new ReadFailure('not_found', 'trace x has no transactions'))).toMatchObject({ status: 404, headers: {} });
    expect(answer(new ReadFailure('too_slow', 'the query ran longer than 7 s'))).toMatchObject({ status: 503, headers: {} });
    expect(answer(new ReadFailure('busy', 'ClickHouse is running too many reads; retry later'))).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    expect(answer(new ReadFailure('unavailable', 'ClickHouse is unavailable'))).toMatchObject({ status: 503, body: { detail: 'ClickHouse is unavailable' }, headers: { 'Retry-After': '5' } });
  });

  it('leaves every other error as it is', () => {
    const error = new Error('boom');
    expect(toApiError(error)).toBe(error);
  });
});
