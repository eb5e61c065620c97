import { ErrorEventDto } from './error-event.dto';
import { SpanV2Dto } from './span-v2.dto';
import { parseJsonPayload, validateFlatPayload, validatePayload } from './validate-payload';

const span = {
  name: 'GET /',
  span_id: '00f067aa0ba902b7',
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  start_timestamp: 1795499897.5,
  end_timestamp: 1795499897.7,
  is_segment: true,
  status: 'ok',
  attributes: { 'sentry.op': { type: 'string', value: 'http.server' } },
};

describe('validateFlatPayload', () => {
  it('agrees with validatePayload on a flat DTO, valid or not', () => {
    for (const input of [span, { ...span, span_id: 'short' }, { ...span, start_timestamp: 'soon' }, { ...span, attributes: 'x' }, [span], null]) {
      const flat = validateFlatPayload(SpanV2Dto, input, 'span');
      const full = validatePayload(SpanV2Dto, input, 'span');
      expect(flat.ok).toBe(full.ok);
      if (!flat.ok && !full.ok) expect(flat.causes).toEqual(full.causes);
    }
  });

  it('returns an instance of the DTO that shares the nested objects instead of copying them', () => {
    const result = validateFlatPayload(SpanV2Dto, span, 'span');
    expect(result.ok && result.value).toBeInstanceOf(SpanV2Dto);
    expect(result.ok && result.value.attributes).toBe(span.attributes);
  });
});

describe('validatePayload against hostile nesting', () => {
  const deepExtra = (levels: number): Record<string, unknown> => {
    let value: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < levels; i++) value = { a: value };
    return { message: 'x', level: 'error', extra: value };
  };

  it('turns an exception of class-transformer into an invalid payload instead of throwing', () => {
    expect(validatePayload(ErrorEventDto, deepExtra(20_000), 'error event')).toEqual({
      ok: false,
      detail: 'invalid error event: it could not be validated (RangeError)',
      causes: [],
    });
  });

  it('refuses too-deep JSON text before parsing it', () => {
    expect(parseJsonPayload(ErrorEventDto, JSON.stringify(deepExtra(3000)), 'error event')).toMatchObject({
      ok: false,
      detail: 'invalid error event: JSON nested deeper than 128 levels (the limit)',
    });
    expect(parseJsonPayload(ErrorEventDto, JSON.stringify(deepExtra(10)), 'error event')).toMatchObject({ ok: true });
  });
});
