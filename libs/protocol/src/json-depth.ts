/**
 * A bound on how deeply JSON may nest, checked on the raw bytes before anything parses or walks
 * them. JSON.parse itself copes with any depth, but JSON.stringify and every recursive walk
 * (grouping's canonical JSON, a validator that descends) recurse once per level: about 3,000 levels
 * overflow the stack, and a RangeError thrown in the middle of a request loses every other item
 * of it. Relay parses events with serde_json, whose recursion limit is 128 levels; Pulse uses the
 * same number. No SDK sends anything near it (contexts and `extra` are a few levels deep).
 */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether `json` opens more than `maxDepth` objects or arrays inside each other. One pass over the
 * bytes that stops at the first level past the limit: brackets inside strings do not count (a
 * backslash skips the byte after it, so `\"` does not end a string). It does not validate:
 * malformed JSON is JSON.parse's to refuse, afterwards. UTF-8 continuation bytes are all ≥ 0x80,
 * so they never look like a quote, a backslash or a bracket. It costs less than JSON.parse of the
 * same bytes (docs/ingest.md, "Measured").
 */
export function exceedsJsonDepth(json: Buffer, maxDepth = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let pos = 0;
  const end = json.length;
  while (pos < end) {
    const byte = json[pos++];
    if (byte === QUOTE) {
      for (;;) {
        if (pos >= end) return false;
        const inString = json[pos++];
        if (inString === QUOTE) break;
        if (inString === BACKSLASH) pos++;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && depth > 0) {
      depth--;
    }
  }
  return false;
}

/** The reason a too-deep JSON document is refused, naming the limit. */
export function tooDeepReason(maxDepth = MAX_JSON_DEPTH): string {
  return `JSON nested deeper than ${maxDepth} levels (the limit)`;
}
