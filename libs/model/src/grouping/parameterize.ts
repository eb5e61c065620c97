/**
 * Sentry's message parameterization: what varies between occurrences of one message (ids, numbers,
 * addresses, dates…) becomes a placeholder (`<int>`, `<uuid>`…), so `Order 42 not found` and
 * `Order 7 not found` are one group. A port of DEFAULT_PARAMETERIZATION_REGEXES, in its order
 * (getsentry/sentry src/sentry/grouping/parameterization.py, commit
 * 01a4552f022dd2b89eef5e6bead18abb3cd4a914), and of the two-line trim of
 * `normalize_message_for_grouping` (src/sentry/grouping/strategies/message.py). One combined
 * regular expression, compiled once: a message is scanned once, the first alternative that matches
 * at a position wins, as in Python's `re.sub` over the `|`-joined patterns.
 */

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const DAY = '(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)';
const ZONE = '(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z])';
const OCTET = '(?:25[0-5]|(?:2[0-4]|1{0,1}[0-9]){0,1}[0-9])';
const H = '[0-9a-fA-F]{1,4}';
const TLDS = 'com|net|org|jp|de|uk|fr|br|it|ru|es|me|gov|pl|ca|au|cn|co|in|nl|edu|info|eu|ch|id|at|kr|cz|mx|be|tv|se|tr|tw|al|ua|ir|vn|cl|sk|ly|cc|to|no|fi|us|pt|dk|ar|hu|tk|gr|il|news|ro|my|biz|ie|za|nz|sg|ee|th|io|xyz|pe|bg|hk|rs|lt|link|ph|club|si|site|mobi|by|cat|wiki|la|ga|xxx|cf|hr|ng|jobs|online|kz|ug|gq|ae|is|lv|pro|fm|tips|ms|sa|app';

/** [placeholder name, pattern]; each pattern uses only non-capturing groups. */
const PATTERNS: ReadonlyArray<readonly [string, string]> = [
  ['email', "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*"],
  ['url', '\\b(?:wss?|https?|ftp)://[^\\s/$.?#].[^\\s]*'],
  ['hostname', `\\b(?:[a-zA-Z0-9\\-]{1,63}\\.)+?(?:${TLDS.toUpperCase()}|${TLDS})\\b`],
  ['ip', [
    `(?<![0-9a-zA-Z_])(?:(?:${H}:){7,7}${H}|(?:${H}:){1,7}:|(?:${H}:){1,6}:${H}|(?:${H}:){1,5}(?::${H}){1,2}|(?:${H}:){1,4}(?::${H}){1,3}|`,
    `(?:${H}:){1,3}(?::${H}){1,4}|(?:${H}:){1,2}(?::${H}){1,5}|${H}:(?:(?::${H}){1,6})|:(?:(?::${H}){1,7}|:)|fe80:(?::[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|`,
    `::(?:ffff(?::0{1,4}){0,1}:){0,1}(?:${OCTET}\\.){3,3}${OCTET}|(?:${H}:){1,4}:(?:${OCTET}\\.){3,3}${OCTET}\\b)(?![0-9a-zA-Z])`,
    `|(?:\\b(?:${OCTET}\\.){3,3}${OCTET}\\b)`,
  ].join('')],
  ['traceparent', '(?:\\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\\b)|(?:\\b1-[0-9a-f]{8}-[0-9a-f]{24}\\b)'],
  ['uuid', '\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b'],
  ['sha1', '\\b[0-9a-fA-F]{40}\\b'],
  ['md5', '\\b[0-9a-fA-F]{32}\\b'],
  ['date', [
    `(?:${DAY},\\s\\d{1,2}\\s${MONTH}\\s\\d{2,4}\\s\\d{1,2}:\\d{1,2}(?::\\d{1,2})?\\s(?:[-+][\\d]{2}[0-5][\\d]|${ZONE}))`,
    `|(?:(?:${DAY}\\s)?${MONTH}\\s[0-3]\\d,\\s\\d{2,4})`,
    `|(?:(?:Sun|Sunday|Mon|Monday|Tue|Tuesday|Wed|Wednesday|Thu|Thursday|Fri|Friday|Sat|Saturday),\\s\\d{2}-${MONTH}-\\d{2}\\s\\d{2}:\\d{2}:\\d{2}\\s${ZONE})`,
    '|(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z?(?:[+-]?\\d{2}:\\d{2})?)',
    `|(?:${DAY}\\s${MONTH}\\s\\d{2}\\s\\d{4}\\s\\d{2}:\\d{2}:\\d{2}\\sGMT[+-]\\d{4}(?:\\s\\([^)]+\\))?)`,
    '|(?:\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d\\.\\d+(?:[+-][0-2]\\d:?[0-5]\\d|Z))',
    '|(?:\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d(?:[+-][0-2]\\d:?[0-5]\\d|Z))',
    '|(?:\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d(?:[+-][0-2]\\d:?[0-5]\\d|Z))',
    '|(?:\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d\\.\\d+)',
    '|(?:\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d)',
    '|(?:\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d)',
    '|(?:(?<!\\d)(?:[1-9]|1[0-2]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])(?:\\s?[aApP][Mm])?)',
    '|(?:(?<!\\d)(?:0?\\d|1\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:]))',
    '|(?:\\d{4}-[01]\\d-[0-3]\\d)',
    '|(?:[0-2]\\d:[0-5]\\d:[0-5]\\d)',
    `|(?:\\b(?:${DAY}\\s+)?${MONTH}\\s+[\\d]{1,2}\\s+[\\d]{2}:[\\d]{2}:[\\d]{2}\\s+[\\d]{4})`,
    `|(?:\\b(?:${DAY},\\s+)?(?:0[1-9]|[1-2]?[\\d]|3[01])\\s+${MONTH}\\s+(?:19[\\d]{2}|[2-9][\\d]{3})\\s+(?:2[0-3]|[0-1][\\d]):[0-5][\\d](?::(?:60|[0-5][\\d]))?\\s+(?:[-+][\\d]{2}[0-5][\\d]|${ZONE}))`,
    '|(?:datetime\\.datetime\\(.*?\\))',
  ].join('')],
  ['duration', '\\b(?:\\d+ms)|(?:\\d+(?:\\.\\d+)?s)\\b'],
  ['swift_txn_id', '\\btx[0-9a-f]{21}-[0-9a-f]{10}\\S*'],
  ['hex', '(?:\\b0[xX][0-9a-fA-F]+\\b)|(?:\\b(?=[a-f]*[0-9])[0-9a-f]{8,128}\\b)|(?:\\b(?=[A-F]*[0-9])[0-9A-F]{8,128}\\b)'],
  ['git_sha', '\\b(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{7}\\b'],
  ['float', '-\\d+\\.\\d+\\b|\\b\\d+\\.\\d+\\b'],
  ['int', '(?:\\b|(?<!\\w)-)\\d{1,7}\\b'],
  // Only the value half of `key="value"` / `key=true`: the `=` lookbehind, as Sentry's.
  ['quoted_str', `(?<==)(?:'(?:[^']+)'|"(?:[^"]+)")`],
  ['bool', '(?<==)(?:True|true|False|false)'],
];

const COMBINED = new RegExp(PATTERNS.map(([name, pattern]) => `(?<${name}>${pattern})`).join('|'), 'g');
const NAMES = PATTERNS.map(([name]) => name);

/** Every variable part of `text` replaced by `<kind>`. */
export function parameterize(text: string): string {
  return text.replace(COMBINED, (...args: unknown[]) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    const name = NAMES.find((key) => groups[key] !== undefined);
    return name === undefined ? '' : `<${name}>`;
  });
}

/**
 * Sentry's `normalize_message_for_grouping`: the first two non-empty lines (`...` appended when
 * something was cut), then parameterized.
 */
export function normalizeMessageForGrouping(message: string): string {
  const lines = message.split(/\r\n|\r|\n/);
  const kept: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    kept.push(line);
    if (kept.length === 2) break;
  }
  let trimmed = kept.join('\n');
  if (trimmed !== message) trimmed += '...';
  return parameterize(trimmed);
}
