import { MAX_PARAM_ARRAY_LENGTH, MAX_QUERY_PARAMS, validateQueryParams } from './query-params';
import { SqlRefusal } from './sql-refusal';

describe('validateQueryParams', () => {
  it('accepts strings, finite numbers, booleans and arrays of them', () => {
    const params = { env: 'production', min: 250, ratio: 0.5, handled: false, vitals: ['lcp', 'cls'], ids: [1, 2], _x9: '' };
    expect(validateQueryParams(params)).toEqual(params);
    expect(validateQueryParams(undefined)).toEqual({});
  });

  it.each([
    ['an array instead of an object', [1], 'params must be an object'],
    ['a string instead of an object', 'x', 'params must be an object'],
    ['a name with a dash', { 'a-b': 1 }, 'params: "a-b" is not a parameter name'],
    ['a name starting with a digit', { '1a': 1 }, 'params: "1a" is not a parameter name'],
    ['a name of 65 characters', { [`a${'b'.repeat(64)}`]: 1 }, 'is not a parameter name'],
    ['null', { a: null }, 'params.a must be a string, a finite number, a boolean or an array of those'],
    ['an object', { a: { b: 1 } }, 'params.a must be a string'],
    ['Infinity', { a: Infinity }, 'params.a must be a string'],
    ['NaN', { a: NaN }, 'params.a must be a string'],
    ['a nested array', { a: [[1]] }, 'params.a[0] must be a string, a finite number or a boolean'],
    ['null in an array', { a: ['x', null] }, 'params.a[1] must be'],
    ['too long an array', { a: Array.from({ length: MAX_PARAM_ARRAY_LENGTH + 1 }, () => 1) }, `params.a has ${MAX_PARAM_ARRAY_LENGTH + 1} elements; at most ${MAX_PARAM_ARRAY_LENGTH}`],
    ['too many entries', Object.fromEntries(Array.from({ length: MAX_QUERY_PARAMS + 1 }, (_, i) => [`p${i}`, i])), `params has ${MAX_QUERY_PARAMS + 1} entries; at most ${MAX_QUERY_PARAMS}`],
  ])('refuses %s, naming the parameter', (_what, input, detail) => {
    expect(() => validateQueryParams(input)).toThrow(SqlRefusal);
    expect(() => validateQueryParams(input)).toThrow(detail);
  });
});
