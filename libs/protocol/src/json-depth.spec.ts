import { exceedsJsonDepth, MAX_JSON_DEPTH, tooDeepReason } from './json-depth';

const nested = (levels: number, open = '[', close = ']', inner = ''): string => open.repeat(levels) + inner + close.repeat(levels);
const deep = (json: string, max?: number): boolean => exceedsJsonDepth(Buffer.from(json, 'utf8'), max);

describe('exceedsJsonDepth', () => {
  it('allows exactly the limit and refuses one level more, for arrays, objects and mixes', () => {
    expect(deep(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(deep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    const objects = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
    expect(deep(objects(MAX_JSON_DEPTH))).toBe(false);
    expect(deep(objects(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(deep('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(deep('{"a":[{"b":[1]}]}', 3)).toBe(true);
  });

  it('counts the deepest branch, not the total of brackets', () => {
    const wide = JSON.stringify(Array.from({ length: 10_000 }, () => ({ a: [1, { b: 2 }] })));
    expect(deep(wide, 4)).toBe(false);
    expect(deep(wide, 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    expect(deep(JSON.stringify({ text: nested(5000) }), 2)).toBe(false);
    expect(deep(JSON.stringify({ text: `\\"${nested(500, '{', '}')}\\\\` }), 2)).toBe(false);
    expect(deep(JSON.stringify([`a\\`, [[['x']]]]), 3)).toBe(true);
    expect(deep(JSON.stringify({ ['k"[[[']: 'v\\"]]]' }), 1)).toBe(false);
  });

  it('reads multibyte UTF-8 text without mistaking its bytes for brackets', () => {
    expect(deep(JSON.stringify({ t: '🌍 ü ✓ [[[ 中文 ]]]', u: ['é'] }), 2)).toBe(false);
  });

  it('stops past the limit even when the document never closes (a truncated or hostile body)', () => {
    expect(deep('['.repeat(1_000_000))).toBe(true);
    expect(deep('"never closed [[[[')).toBe(false);
  });

  it('refuses the 3,000-level `extra` that once overflowed the stack', () => {
    const event = `{"message":"x","extra":{"deep":${nested(3000, '{"a":', '}', '1')}}}`;
    expect(deep(event)).toBe(true);
    expect(tooDeepReason()).toBe(`JSON nested deeper than ${MAX_JSON_DEPTH} levels (the limit)`);
  });
});
