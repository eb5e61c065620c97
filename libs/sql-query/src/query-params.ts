import { SqlRefusal } from './sql-refusal';

export type QueryParamScalar = string | number | boolean;
export type QueryParamValue = QueryParamScalar | QueryParamScalar[];
export type QueryParams = Record<string, QueryParamValue>;

export const MAX_QUERY_PARAMS = 50;
export const MAX_PARAM_ARRAY_LENGTH = 1000;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * The `params` of a request, bound to `{name:Type}` placeholders by ClickHouse (never spliced into
 * the SQL): at most 50, plain names, values that are strings, finite numbers, booleans, or arrays
 * of those. Anything else is a 400 naming the parameter.
 */
export function validateQueryParams(input: unknown): QueryParams {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new SqlRefusal('params must be an object of name: value');
  const entries = Object.entries(input);
  if (entries.length > MAX_QUERY_PARAMS) throw new SqlRefusal(`params has ${entries.length} entries; at most ${MAX_QUERY_PARAMS} are allowed`);
  const params: QueryParams = {};
  for (const [name, value] of entries) {
    if (!PARAM_NAME.test(name)) throw new SqlRefusal(`params: ${JSON.stringify(name.slice(0, 80))} is not a parameter name (a letter or _, then letters, digits or _, at most 64)`);
    params[name] = checkValue(name, value);
  }
  return params;
}

function checkValue(name: string, value: unknown): QueryParamValue {
  if (isScalar(value)) return value;
  if (!Array.isArray(value)) throw new SqlRefusal(`params.${name} must be a string, a finite number, a boolean or an array of those`);
  if (value.length > MAX_PARAM_ARRAY_LENGTH) throw new SqlRefusal(`params.${name} has ${value.length} elements; at most ${MAX_PARAM_ARRAY_LENGTH} are allowed`);
  const bad = value.findIndex((element) => !isScalar(element));
  if (bad >= 0) throw new SqlRefusal(`params.${name}[${bad}] must be a string, a finite number or a boolean`);
  return value as QueryParamScalar[];
}

function isScalar(value: unknown): value is QueryParamScalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
