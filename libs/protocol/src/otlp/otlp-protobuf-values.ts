import { type Long, Reader } from 'protobufjs';
import { PROTOBUF_MAX_DEPTH_MESSAGE } from './otlp-schema';
import { MAX_OTLP_VALUE_DEPTH, type OtlpAttributes, type OtlpValue } from './otlp-traces';

/**
 * The building blocks of the hand-written OTLP protobuf reader (otlp-protobuf-decoder.ts): message
 * framing exactly as protobufjs's generated decoders do it (importing otlp-schema.ts also raises
 * Reader.recursionLimit to OTLP_PROTOBUF_MAX_NESTING before anything is read), fixed64 times, ids, and the common
 * messages (KeyValue, AnyValue, ArrayValue, KeyValueList) read straight into the contract's
 * JSON-like values. Every primitive is protobufjs's own `Reader` method, so bytes are accepted or
 * refused, with the same messages, as `Type.decode` would; only the intermediate message objects
 * (a Long per time, a Buffer per id, an AnyValue object per attribute) are not built.
 *
 * Merging follows protobuf and protobufjs: a non-repeated message field sent twice is merged (a
 * KeyValue's second `value` continues the first AnyValue; a second `array_value` appends to the
 * first), and of a oneof the member set last wins.
 */

/** A value nested deeper than MAX_OTLP_VALUE_DEPTH: refused as too_deep once the whole body has been read. */
export const TOO_DEEP: unique symbol = Symbol('too deep');
export type ReadValue = OtlpValue | typeof TOO_DEEP;

/**
 * The value depth of attributes Pulse never converts (scope and link attributes): their bytes are
 * checked, as protobufjs decodes them, but their nesting is bound only by the message nesting limit.
 */
export const UNCHECKED_DEPTH = Number.NEGATIVE_INFINITY;

/**
 * Starts a length-delimited message of `length` bytes at nesting `depth` (the request is 0), as
 * the generated decoders do: the depth bound first, then the length against the enclosing end.
 * Returns the enclosing end, for {@link leaveMessage}.
 */
export function enterMessage(r: Reader, length: number, depth: number): number {
  if (depth > Reader.recursionLimit) throw Error(PROTOBUF_MAX_DEPTH_MESSAGE);
  const end = r.pos + length;
  if (end > r.len) throw RangeError('index out of range');
  const enclosingEnd = r.len;
  r.len = end;
  return enclosingEnd;
}

export function leaveMessage(r: Reader, enclosingEnd: number): void {
  if (r.pos !== r.len) throw RangeError('index out of range');
  r.len = enclosingEnd;
}

/** A fixed64 as a double (hi·2³² + lo, what Long#toNumber gives for an unsigned Long), without the Long. */
export function readFixed64(r: Reader): number {
  if (r.pos + 8 > r.len) throw RangeError(`index out of range: ${r.pos} + 8 > ${r.len}`);
  const low = r.fixed32();
  return r.fixed32() * 4294967296 + low;
}

/** A bytes field as lower-case hex ('' when empty), read from `body` without a Buffer per id. */
export function readHex(r: Reader, body: Buffer): string {
  const length = r.size();
  const start = r.pos;
  r.skip(length);
  return length === 0 ? '' : body.toString('hex', start, start + length);
}

/**
 * Attribute keys seen lately, by a hash of their bytes: a request repeats the same few dozen keys on
 * every span, and a key decoded afresh is a new string that V8 must hash and internalize before it
 * can be stored in the attribute map, which cost more than all the rest of reading a KeyValue. A
 * key whose bytes match the cached ones is the cached (already internalized) string; anything else
 * is read by protobufjs's `stringVerify` (UTF-8 checked, errors as its own) and then cached. Bounded:
 * KEY_CACHE_SLOTS keys of at most KEY_CACHE_MAX_BYTES bytes, a colliding key replacing the older.
 */
const KEY_CACHE_SLOTS = 1024;
const KEY_CACHE_MAX_BYTES = 64;
const cachedKeyBytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(KEY_CACHE_SLOTS);
const cachedKeys: string[] = new Array<string>(KEY_CACHE_SLOTS).fill('');

/** A KeyValue's key (a string field), from the cache when its bytes were seen before. */
export function readKey(r: Reader, body: Buffer): string {
  const fieldStart = r.pos;
  const length = r.size();
  const start = r.pos;
  const end = start + length;
  if (length === 0 || length > KEY_CACHE_MAX_BYTES || end > r.len) {
    r.pos = fieldStart;
    return r.stringVerify();
  }
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ body[i], 0x01000193);
  const slot = (hash ^ (hash >>> 16)) & (KEY_CACHE_SLOTS - 1);
  const cached = cachedKeyBytes[slot];
  if (cached !== undefined && cached.length === length) {
    let same = true;
    for (let i = 0; i < length && same; i++) same = cached[i] === body[start + i];
    if (same) {
      r.pos = end;
      return cachedKeys[slot];
    }
  }
  r.pos = fieldStart;
  const key = r.stringVerify();
  cachedKeyBytes[slot] = new Uint8Array(body.subarray(start, end)); // a copy: the body is not kept
  cachedKeys[slot] = key;
  return key;
}

/** What one AnyValue message (or several merged) holds so far. */
interface AnyValueParts {
  /** The field number of the oneof member set last; 0 when none is. */
  member: number;
  /** The value of the last scalar member (string, bool, int, double, bytes as base64). */
  scalar: OtlpValue;
  array: OtlpValue[] | null;
  arrayTooDeep: boolean;
  kvlist: OtlpAttributes | null;
  kvlistTooDeep: boolean;
}

/**
 * One KeyValue of `length` bytes into `map` (a repeated key keeps its last value), its value read
 * at `valueDepth` arrays/kvlists deep. Returns whether the value, or anything in it, is too deep.
 */
export function readKeyValue(r: Reader, body: Buffer, length: number, depth: number, valueDepth: number, map: OtlpAttributes): boolean {
  const enclosingEnd = enterMessage(r, length, depth);
  let key = '';
  let parts: AnyValueParts | null = null;
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wireType === 2) key = readKey(r, body);
    else if (field === 2 && wireType === 2) parts = readAnyValue(r, body, r.size(), depth + 1, valueDepth, parts);
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  const value = parts === null ? null : valueOf(parts, valueDepth);
  map[key] = value === TOO_DEEP ? null : value;
  return value === TOO_DEEP;
}

function readAnyValue(r: Reader, body: Buffer, length: number, depth: number, valueDepth: number, merged: AnyValueParts | null): AnyValueParts {
  const enclosingEnd = enterMessage(r, length, depth);
  const parts = merged ?? { member: 0, scalar: null, array: null, arrayTooDeep: false, kvlist: null, kvlistTooDeep: false };
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    switch (field) {
      case 1:
        if (wireType !== 2) break;
        parts.scalar = r.stringVerify();
        parts.member = field;
        continue;
      case 2:
        if (wireType !== 0) break;
        parts.scalar = r.bool();
        parts.member = field;
        continue;
      case 3: {
        if (wireType !== 0) break;
        // A Long while the `long` package is installed (it is), a number without it; as Long#toNumber (signed).
        const value: Long | number = r.int64();
        parts.scalar = typeof value === 'number' ? value : value.high * 4294967296 + (value.low >>> 0);
        parts.member = field;
        continue;
      }
      case 4:
        if (wireType !== 1) break;
        parts.scalar = r.double();
        parts.member = field;
        continue;
      case 5: {
        if (wireType !== 2) break;
        parts.array ??= [];
        if (readArrayValue(r, body, r.size(), depth + 1, valueDepth + 1, parts.array)) parts.arrayTooDeep = true;
        parts.member = field;
        continue;
      }
      case 6: {
        if (wireType !== 2) break;
        parts.kvlist ??= Object.create(null) as OtlpAttributes;
        if (readKeyValueList(r, body, r.size(), depth + 1, valueDepth + 1, parts.kvlist)) parts.kvlistTooDeep = true;
        parts.member = field;
        continue;
      }
      case 7: {
        if (wireType !== 2) break;
        const bytesLength = r.size();
        const start = r.pos;
        r.skip(bytesLength);
        parts.scalar = body.toString('base64', start, start + bytesLength);
        parts.member = field;
        continue;
      }
    }
    r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  return parts;
}

/** The AnyValue's value: its last member; an array or kvlist at MAX_OTLP_VALUE_DEPTH, or holding a too-deep value, is TOO_DEEP. */
function valueOf(parts: AnyValueParts, valueDepth: number): ReadValue {
  switch (parts.member) {
    case 0:
      return null;
    case 5:
      return valueDepth >= MAX_OTLP_VALUE_DEPTH || parts.arrayTooDeep ? TOO_DEEP : parts.array;
    case 6:
      return valueDepth >= MAX_OTLP_VALUE_DEPTH || parts.kvlistTooDeep ? TOO_DEEP : parts.kvlist;
    default:
      return parts.scalar;
  }
}

/** An ArrayValue's values appended to `values`; whether any is too deep. */
function readArrayValue(r: Reader, body: Buffer, length: number, depth: number, valueDepth: number, values: OtlpValue[]): boolean {
  const enclosingEnd = enterMessage(r, length, depth);
  let tooDeep = false;
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wireType === 2) {
      const value = valueOf(readAnyValue(r, body, r.size(), depth + 1, valueDepth, null), valueDepth);
      if (value === TOO_DEEP) tooDeep = true;
      values.push(value === TOO_DEEP ? null : value);
    } else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  return tooDeep;
}

/** A KeyValueList's values into `map`; whether any is too deep. */
function readKeyValueList(r: Reader, body: Buffer, length: number, depth: number, valueDepth: number, map: OtlpAttributes): boolean {
  const enclosingEnd = enterMessage(r, length, depth);
  let tooDeep = false;
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wireType === 2) {
      if (readKeyValue(r, body, r.size(), depth + 1, valueDepth, map)) tooDeep = true;
    } else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  return tooDeep;
}
