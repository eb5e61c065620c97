import { ALLOWED_COMBINATORS, checkFunction } from './function-allow-list';

describe('the function allow-list', () => {
  it.each([
    'equals', 'and', 'in', 'notIn', 'lambda', 'grouping', 'arrayElement', 'tupleElement', 'multiIf', 'CAST', '_CAST', 'exists',
    'count', 'COUNT', 'sum', 'quantile', 'quantilesExactInclusive', 'quantileDD', 'uniqExact', 'argMax', 'topK',
    'countIf', 'uniqExactIf', 'sumDistinct', 'avgOrNull', 'quantileIfOrDefault', 'countDistinct',
    'row_number', 'lagInFrame', 'toStartOfHour', 'toUnixTimestamp64Milli', 'JSONExtractString', 'replaceRegexpAll', 'cityHash64',
  ])('allows %s', (name) => {
    expect(checkFunction(name, false)).toEqual({ allowed: true });
  });

  it.each([
    'dictGet', 'dictGetString', 'dictGetOrNull', 'dictHas', 'joinGet', 'file', 'url', 'remote', 's3', 'input', 'format',
    'sleep', 'sleepEachRow', 'SLEEP', 'throwIf', 'currentUser', 'hostName', 'version', 'getSetting', 'getMacro',
    'currentDatabase', 'uptime', 'addressToSymbol', 'demangle', 'catboostEvaluate', 'getClientHTTPHeader', 'numbers',
    // A combinator suffix does not make a denied name an aggregate.
    'sleepIf', 'throwIfIf', 'dictGetOrDefault',
  ])('refuses %s, naming it', (name) => {
    expect(checkFunction(name, false)).toEqual({ allowed: false, reason: `function ${name} is not allowed` });
  });

  it('needs a size for groupArray, also with combinators', () => {
    expect(checkFunction('groupArray', true)).toEqual({ allowed: true });
    expect(checkFunction('groupArrayIf', true)).toEqual({ allowed: true });
    expect(checkFunction('groupArray', false)).toEqual({ allowed: false, reason: 'groupArray needs a size: write groupArray(N)(x) to keep at most N values per group' });
    expect(checkFunction('groupArrayDistinct', false)).toMatchObject({ allowed: false });
  });

  it('knows the combinators of the documentation', () => {
    expect(ALLOWED_COMBINATORS).toEqual(['If', 'Distinct', 'OrNull', 'OrDefault']);
    expect(checkFunction('sumArray', false)).toMatchObject({ allowed: false });
    expect(checkFunction('sumState', false)).toMatchObject({ allowed: false });
  });
});
