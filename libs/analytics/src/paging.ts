import { QueryParameterError } from './time-range';

/** Sorting and paging parameters of the list endpoints; a sort name maps to a fixed SQL fragment, never to user text. */
export function parseSort<T extends string>(raw: string | undefined, allowed: Record<T, unknown>, fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  if (!Object.prototype.hasOwnProperty.call(allowed, raw)) throw new QueryParameterError(`sort=${JSON.stringify(raw)} must be one of ${Object.keys(allowed).join(', ')}`);
  return raw as T;
}

export function parseOrder(raw: string | undefined, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'asc' && raw !== 'desc') throw new QueryParameterError(`order=${JSON.stringify(raw)} must be asc or desc`);
  return raw;
}

export const MAX_PAGE_LIMIT = 1000;
const MAX_OFFSET = 100_000;

export function parsePage(limit: string | undefined, offset: string | undefined, defaultLimit = 50): { limit: number; offset: number } {
  const read = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new QueryParameterError(`${name}=${JSON.stringify(raw)} must be an integer in [${min}, ${max}]`);
    return n;
  };
  return { limit: read('limit', limit, defaultLimit, 1, MAX_PAGE_LIMIT), offset: read('offset', offset, 0, 0, MAX_OFFSET) };
}

/** Most releases a series is split into (transactions/series by release, releases/series), and how many by default. */
export const MAX_SERIES_RELEASES = 20;
export const DEFAULT_SERIES_RELEASES = 5;

/** `limit` of a series split by release: 1 to MAX_SERIES_RELEASES; `context` ends the message of a limit over the maximum. */
export function parseSeriesReleaseLimit(raw: string | undefined, context = ''): number {
  const limit = parsePage(raw, undefined, DEFAULT_SERIES_RELEASES).limit;
  if (limit > MAX_SERIES_RELEASES) throw new QueryParameterError(`limit must be at most ${MAX_SERIES_RELEASES}${context}`);
  return limit;
}
