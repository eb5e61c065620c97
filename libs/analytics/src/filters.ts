import { QueryParameterError } from './time-range';

/** The filters every analytics endpoint takes; each one a column of the table it reads. */
export interface Filters {
  transaction?: string;
  release?: string;
  environment?: string;
  browser?: string;
  os?: string;
  /** `tag=key:value` pairs, all of which must match. */
  tags?: Array<[string, string]>;
}

export type FilterName = Exclude<keyof Filters, 'tags'>;
export const FILTER_NAMES: FilterName[] = ['transaction', 'release', 'environment', 'browser', 'os'];

const MAX_TAG_FILTERS = 10;

/** `tag=browser.name:Chrome` (repeatable) → pairs; the first `:` separates key and value. */
export function parseTagFilters(raw: string | string[] | undefined): Array<[string, string]> | undefined {
  if (raw === undefined) return undefined;
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length > MAX_TAG_FILTERS) throw new QueryParameterError(`at most ${MAX_TAG_FILTERS} tag filters`);
  return values.map((value) => {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new QueryParameterError(`tag=${JSON.stringify(value)} must look like key:value`);
    return [value.slice(0, colon), value.slice(colon + 1)];
  });
}

/** Which column of a table each filter reads; a filter without a column cannot apply to it. */
export type FilterColumns = Partial<Record<FilterName, string>> & { tags?: string };

/**
 * WHERE conditions for the filters that are set, every value a bound parameter (`f_<name>`,
 * `f_tag_key_<i>` / `f_tag_value_<i>`). A filter the table cannot answer is a 400, never
 * silently ignored.
 */
export function filterConditions(filters: Filters, columns: FilterColumns, params: Record<string, unknown>, what: string): string[] {
  const conditions: string[] = [];
  for (const name of FILTER_NAMES) {
    const value = filters[name];
    if (value === undefined) continue;
    const column = columns[name];
    if (column === undefined) throw new QueryParameterError(`${what} cannot be filtered by ${name}`);
    params[`f_${name}`] = value;
    conditions.push(`${column} = {f_${name}:String}`);
  }
  (filters.tags ?? []).forEach(([key, value], i) => {
    if (columns.tags === undefined) throw new QueryParameterError(`${what} cannot be filtered by tag`);
    params[`f_tag_key_${i}`] = key;
    params[`f_tag_value_${i}`] = value;
    conditions.push(`${columns.tags}[{f_tag_key_${i}:String}] = {f_tag_value_${i}:String}`);
  });
  return conditions;
}

/** True when every filter that is set has a column in `columns`. */
export function filtersFit(filters: Filters, columns: FilterColumns): boolean {
  if ((filters.tags?.length ?? 0) > 0 && columns.tags === undefined) return false;
  return FILTER_NAMES.every((name) => filters[name] === undefined || columns[name] !== undefined);
}
