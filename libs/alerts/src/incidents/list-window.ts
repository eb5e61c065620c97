import { QueryParameterError } from '@pulse/analytics';

/**
 * The window and size of a list of alert history (incidents, deliveries, annotations): a time
 * range in epoch milliseconds and at most MAX_LIST_LIMIT rows. The query API checks the range's
 * length against QUERY_MAX_RANGE_DAYS before; this checks what any caller could get wrong.
 */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

export interface ListWindow {
  fromMs: number;
  toMs: number;
  /** 1 … MAX_LIST_LIMIT; default DEFAULT_LIST_LIMIT. */
  limit?: number;
}

/** The window with its limit filled in; QueryParameterError (a 400) on a bad range or limit. */
export function checkedWindow(window: ListWindow): Required<ListWindow> {
  const { fromMs, toMs, limit = DEFAULT_LIST_LIMIT } = window;
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs) || fromMs < 0) throw new QueryParameterError('from and to must be epoch milliseconds');
  if (toMs <= fromMs) throw new QueryParameterError('to must be after from');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) throw new QueryParameterError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  return { fromMs, toMs, limit };
}
