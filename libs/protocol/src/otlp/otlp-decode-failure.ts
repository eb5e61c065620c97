import { MAX_OTLP_VALUE_DEPTH, type OtlpDecodeErrorCode } from './otlp-traces';

/**
 * Thrown inside the OTLP decoders and caught once at their top, where it becomes an
 * {@link OtlpDecodeResult} error. The JSON decoder names where it failed: each level that catches it
 * on the way up prepends its own field or index (`resourceSpans[0].scopeSpans[1]…`), so no path is
 * built while decoding succeeds.
 */
export class OtlpDecodeFailure extends Error {
  constructor(
    readonly code: OtlpDecodeErrorCode,
    readonly reason: string,
    public path = '',
  ) {
    super(reason);
  }

  /** Prepends `segment` (a field name, or `[i]` for an index) to the path. */
  within(segment: string): OtlpDecodeFailure {
    if (this.code === 'too_many_spans') return this; // a property of the whole request, not of a place in it
    if (this.path === '') this.path = segment;
    else this.path = this.path.startsWith('[') ? `${segment}${this.path}` : `${segment}.${this.path}`;
    return this;
  }

  get detail(): string {
    return this.path === '' ? this.reason : `${this.path}: ${this.reason}`;
  }
}

export function tooManySpans(maxSpans: number): OtlpDecodeFailure {
  return new OtlpDecodeFailure('too_many_spans', `more than ${maxSpans} spans in one request (the limit)`);
}

export function tooDeepValue(): OtlpDecodeFailure {
  return new OtlpDecodeFailure('too_deep', `attribute values nested deeper than ${MAX_OTLP_VALUE_DEPTH} arrays or kvlists (the limit)`);
}
