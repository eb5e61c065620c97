/**
 * The functions the SQL API lets a query call: every `Function <name>` node of ClickHouse's syntax
 * tree must be one of these (compared case-insensitively). It is an allow-list on purpose: a
 * ClickHouse release adds functions every month, and a new one that reads files, other tables or
 * server state must stay unavailable until someone decides otherwise.
 *
 * Deliberately absent (a refusal names the function): dictGet* / dictHas / joinGet (other
 * tables), file / url / remote / s3 / input / format (table functions and data sources), sleep /
 * sleepEachRow, throwIf, currentUser / hostName / version / getSetting / getMacro /
 * currentDatabase / uptime / serverUUID / getClientHTTPHeader (server state), introspection
 * (addressToSymbol, demangle…), catboostEvaluate / evalMLMethod (models), and anything else not
 * listed. `APPLY(fn)` (which names a function without a Function node) is refused as syntax.
 *
 * Adding a function: it must compute from its arguments only (no table, file, network or server
 * state). sql-functions.int-spec.ts checks that every name here exists in ClickHouse.
 */

/** What the parser turns operators and special syntax into (`a = b` → equals, `x -> y` → lambda…). */
const OPERATORS = [
  'equals', 'notEquals', 'less', 'greater', 'lessOrEquals', 'greaterOrEquals',
  'and', 'or', 'not', 'xor',
  'plus', 'minus', 'multiply', 'divide', 'intDiv', 'intDivOrZero', 'modulo', 'moduloOrZero', 'positiveModulo', 'negate',
  // IN with a table name on the right is refused by the syntax check, not here.
  'in', 'notIn', 'globalIn', 'globalNotIn', 'nullIn', 'notNullIn', 'globalNullIn', 'globalNotNullIn',
  'like', 'notLike', 'ilike', 'notILike', 'match',
  'arrayElement', 'tuple', 'tupleElement', 'array', 'map',
  'if', 'multiIf', 'caseWithExpression', 'transform',
  'isNull', 'isNotNull', 'isNotDistinctFrom', 'isDistinctFrom',
  // `x::T`, CAST(x AS T); typed query parameters ({p:Array(UInt8)}) arrive as _CAST.
  'CAST', '_CAST', 'accurateCast', 'accurateCastOrNull', 'accurateCastOrDefault',
  'concat', 'toTimeZone',
  'toIntervalNanosecond', 'toIntervalMicrosecond', 'toIntervalMillisecond', 'toIntervalSecond', 'toIntervalMinute',
  'toIntervalHour', 'toIntervalDay', 'toIntervalWeek', 'toIntervalMonth', 'toIntervalQuarter', 'toIntervalYear',
];

/**
 * Parser constructs that print as a Function node but are no function of system.functions:
 * `x -> expr`, `EXISTS (SELECT …)`, `count(DISTINCT x)`, `GROUPING(x)` (with GROUPING SETS/ROLLUP).
 */
export const PARSER_CONSTRUCTS = ['lambda', 'exists', 'countDistinct', 'grouping'];

const NULLS_AND_CONDITIONS = ['coalesce', 'ifNull', 'nullIf', 'assumeNotNull', 'toNullable', 'isZeroOrNull', 'greatest', 'least'];

const DATE_TIME = [
  'now', 'now64', 'today', 'yesterday',
  'toDate', 'toDate32', 'toDateTime', 'toDateTime64', 'toDateOrNull', 'toDateTimeOrNull', 'toDateTime64OrNull',
  'toStartOfSecond', 'toStartOfMinute', 'toStartOfFiveMinutes', 'toStartOfTenMinutes', 'toStartOfFifteenMinutes',
  'toStartOfHour', 'toStartOfDay', 'toStartOfWeek', 'toMonday', 'toStartOfMonth', 'toStartOfQuarter', 'toStartOfYear',
  'toStartOfInterval', 'dateTrunc', 'timeSlot',
  'toYear', 'toQuarter', 'toMonth', 'toWeek', 'toISOWeek', 'toDayOfYear', 'toDayOfMonth', 'toDayOfWeek',
  'toHour', 'toMinute', 'toSecond', 'toMillisecond', 'toYYYYMM', 'toYYYYMMDD', 'toYYYYMMDDhhmmss',
  'toUnixTimestamp', 'toUnixTimestamp64Milli', 'toUnixTimestamp64Micro', 'fromUnixTimestamp', 'fromUnixTimestamp64Milli',
  // dateAdd / date_sub / timestampAdd(…) are rewritten by the parser into plus / minus of an interval.
  'dateDiff', 'age',
  'addSeconds', 'addMinutes', 'addHours', 'addDays', 'addWeeks', 'addMonths', 'addYears',
  'subtractSeconds', 'subtractMinutes', 'subtractHours', 'subtractDays', 'subtractWeeks', 'subtractMonths', 'subtractYears',
  'formatDateTime', 'parseDateTimeBestEffort', 'parseDateTimeBestEffortOrNull', 'parseDateTime64BestEffort',
  'parseDateTime64BestEffortOrNull', 'formatReadableTimeDelta',
];

const STRINGS = [
  'length', 'lengthUTF8', 'empty', 'notEmpty', 'lower', 'upper', 'lowerUTF8', 'upperUTF8', 'reverse',
  'concatWithSeparator', 'substring', 'substringUTF8', 'left', 'right', 'leftPad', 'rightPad',
  'trim', 'trimBoth', 'trimLeft', 'trimRight', 'ltrim', 'rtrim',
  'replaceOne', 'replaceAll', 'replaceRegexpOne', 'replaceRegexpAll',
  'position', 'positionCaseInsensitive', 'positionUTF8', 'startsWith', 'endsWith', 'hasToken',
  'multiSearchAny', 'multiMatchAny', 'extract', 'extractAll', 'extractGroups',
  'splitByChar', 'splitByString', 'splitByRegexp', 'arrayStringConcat',
  'toValidUTF8', 'base64Encode', 'base64Decode', 'hex', 'unhex', 'formatReadableSize', 'formatReadableQuantity',
  'domain', 'domainWithoutWWW', 'topLevelDomain', 'protocol', 'path', 'pathFull', 'queryString',
  'extractURLParameter', 'cutQueryString',
];

const MATH_AND_HASHES = [
  'abs', 'sign', 'round', 'roundBankers', 'floor', 'ceil', 'trunc', 'sqrt', 'cbrt', 'exp', 'log', 'ln', 'log2', 'log10',
  'pow', 'power', 'isNaN', 'isFinite', 'isInfinite', 'ifNotFinite', 'e', 'pi',
  'cityHash64', 'sipHash64', 'xxHash64', 'murmurHash3_64',
];

const ARRAYS_AND_MAPS = [
  'arrayMap', 'arrayFilter', 'arrayExists', 'arrayAll', 'arrayCount', 'arraySum', 'arrayAvg', 'arrayMin', 'arrayMax',
  'arraySort', 'arrayReverseSort', 'arrayDistinct', 'arrayUniq', 'arrayJoin', 'arrayConcat', 'arraySlice',
  'arrayFirst', 'arrayLast', 'arrayFirstIndex', 'arrayEnumerate', 'arrayReverse', 'arrayFlatten', 'arrayCompact',
  'arrayZip', 'has', 'hasAll', 'hasAny', 'indexOf', 'countEqual', 'range',
  'mapKeys', 'mapValues', 'mapContains',
];

const TYPE_CONVERSION = [
  'toString', 'toInt8', 'toInt16', 'toInt32', 'toInt64', 'toUInt8', 'toUInt16', 'toUInt32', 'toUInt64',
  'toFloat32', 'toFloat64', 'toDecimal64', 'toBool',
  'toInt64OrNull', 'toInt64OrZero', 'toUInt64OrNull', 'toUInt64OrZero', 'toFloat64OrNull', 'toFloat64OrZero', 'toTypeName',
];

const JSON_EXTRACT = [
  'JSONHas', 'JSONLength', 'JSONType', 'JSONExtract', 'JSONExtractString', 'JSONExtractInt', 'JSONExtractUInt',
  'JSONExtractFloat', 'JSONExtractBool', 'JSONExtractRaw', 'JSONExtractArrayRaw', 'JSONExtractKeys',
  'JSONExtractKeysAndValues', 'JSON_VALUE', 'JSON_QUERY', 'JSON_EXISTS',
];

/** Aggregate functions; each may also take the combinators below (countIf, uniqExactIf, sumOrNull…). */
const AGGREGATES = [
  'count', 'sum', 'avg', 'avgWeighted', 'min', 'max', 'any', 'anyLast', 'anyHeavy', 'argMin', 'argMax',
  'uniq', 'uniqExact', 'uniqCombined', 'uniqCombined64', 'uniqHLL12',
  'quantile', 'quantiles', 'quantileExact', 'quantilesExact', 'quantileExactLow', 'quantileExactHigh',
  'quantileExactInclusive', 'quantilesExactInclusive', 'quantileExactExclusive', 'quantilesExactExclusive',
  'quantileTDigest', 'quantilesTDigest', 'quantileTiming', 'quantilesTiming', 'quantileDD', 'quantilesDD',
  'median', 'medianExact', 'medianTDigest', 'medianTiming',
  // groupArray must carry its size (see BOUNDED_AGGREGATES); groupUniqArray is bounded by the distinct values.
  'groupArray', 'groupUniqArray', 'topK', 'topKWeighted',
  'stddevPop', 'stddevSamp', 'varPop', 'varSamp', 'covarPop', 'covarSamp', 'corr',
  'histogram', 'simpleLinearRegression',
];

/**
 * Window functions (`… OVER (…)`); lag/lead are written lagInFrame/leadInFrame, which ClickHouse
 * evaluates within the window frame.
 */
const WINDOW_FUNCTIONS = [
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile',
  'lagInFrame', 'leadInFrame', 'first_value', 'last_value', 'nth_value',
];

/** Suffixes an aggregate may carry, possibly several (`uniqIfOrNull`). */
const COMBINATORS = ['If', 'Distinct', 'OrNull', 'OrDefault'];

/**
 * Aggregates that must be written with their size parameter, `groupArray(100)(x)`: without it
 * one group could collect every row of the range.
 */
const BOUNDED_AGGREGATES = new Set(['grouparray']);

const lower = (names: readonly string[]): Set<string> => new Set(names.map((name) => name.toLowerCase()));

const SCALAR_NAMES = lower([
  ...OPERATORS, ...PARSER_CONSTRUCTS, ...NULLS_AND_CONDITIONS, ...DATE_TIME, ...STRINGS, ...MATH_AND_HASHES,
  ...ARRAYS_AND_MAPS, ...TYPE_CONVERSION, ...JSON_EXTRACT, ...WINDOW_FUNCTIONS,
]);
const AGGREGATE_NAMES = lower(AGGREGATES);
const COMBINATOR_SUFFIXES = COMBINATORS.map((suffix) => suffix.toLowerCase());

/**
 * The allowed functions that ClickHouse lists in system.functions, as written above: the parser
 * constructs aside, combinator forms not expanded. sql-fixtures.int-spec.ts checks each exists.
 */
export const ALLOWED_FUNCTION_NAMES: readonly string[] = [
  ...OPERATORS, ...NULLS_AND_CONDITIONS, ...DATE_TIME, ...STRINGS, ...MATH_AND_HASHES, ...ARRAYS_AND_MAPS,
  ...TYPE_CONVERSION, ...JSON_EXTRACT, ...AGGREGATES, ...WINDOW_FUNCTIONS,
];

export const ALLOWED_COMBINATORS: readonly string[] = COMBINATORS;

/** The aggregate a name is built on (`uniqExactIfOrNull` → `uniqexact`), or undefined. */
function aggregateBase(name: string): string | undefined {
  if (AGGREGATE_NAMES.has(name)) return name;
  for (const suffix of COMBINATOR_SUFFIXES) {
    if (name.length > suffix.length && name.endsWith(suffix)) {
      const base = aggregateBase(name.slice(0, -suffix.length));
      if (base !== undefined) return base;
    }
  }
  return undefined;
}

export type FunctionVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether a query may call `name` (as the syntax tree prints it); `hasParameters`: the call has a
 * parameter list, `f(params)(args)`.
 */
export function checkFunction(name: string, hasParameters: boolean): FunctionVerdict {
  const key = name.toLowerCase();
  if (SCALAR_NAMES.has(key)) return { allowed: true };
  const base = aggregateBase(key);
  if (base === undefined) return { allowed: false, reason: `function ${name} is not allowed` };
  if (BOUNDED_AGGREGATES.has(base) && !hasParameters) {
    return { allowed: false, reason: `${name} needs a size: write ${name}(N)(x) to keep at most N values per group` };
  }
  return { allowed: true };
}
