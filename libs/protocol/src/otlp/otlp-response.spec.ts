import { encodeOtlpTracesProtobuf } from '@pulse/protocol/testing';
import { decodeOtlpTraces } from './otlp-decode';
import { encodeOtlpStatus, encodeOtlpTraceResponse, OTLP_CONTENT_TYPE } from './otlp-response';
import { EXPORT_TRACE_SERVICE_RESPONSE, RPC_STATUS } from './otlp-schema';

const asObject = (message: object): unknown => JSON.parse(JSON.stringify(message));

describe('OTLP/HTTP responses', () => {
  it('encodes a full success as an empty ExportTraceServiceResponse', () => {
    expect(encodeOtlpTraceResponse('protobuf')).toHaveLength(0);
    expect(encodeOtlpTraceResponse('json').toString()).toBe('{}');
  });

  it('encodes a partial success with the rejected spans and the message', () => {
    const partial = { rejectedSpans: 7, errorMessage: 'spans older than 30 days' };
    const protobuf = EXPORT_TRACE_SERVICE_RESPONSE.decode(encodeOtlpTraceResponse('protobuf', partial));
    expect(EXPORT_TRACE_SERVICE_RESPONSE.toObject(protobuf, { longs: Number })).toEqual({ partialSuccess: partial });
    expect(JSON.parse(encodeOtlpTraceResponse('json', partial).toString())).toEqual({ partialSuccess: { rejectedSpans: '7', errorMessage: 'spans older than 30 days' } });
  });

  it('encodes a google.rpc.Status in either encoding', () => {
    const status = { code: 8, message: 'too many spans' };
    expect(asObject(RPC_STATUS.decode(encodeOtlpStatus('protobuf', status)))).toEqual(status);
    expect(JSON.parse(encodeOtlpStatus('json', status).toString())).toEqual(status);
  });

  it('names the content type of each encoding', () => {
    expect(OTLP_CONTENT_TYPE).toEqual({ protobuf: 'application/x-protobuf', json: 'application/json' });
  });
});

describe('encodeOtlpTracesProtobuf (testing)', () => {
  it('turns an OTLP/JSON request into protobuf bytes that decode to the same request', () => {
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
          scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', kind: 'SPAN_KIND_SERVER', startTimeUnixNano: '1765000000000000001', flags: 257, links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7' }] }] }],
        },
      ],
    };
    const protobuf = decodeOtlpTraces(encodeOtlpTracesProtobuf(request), 'protobuf', { maxSpans: 1 });
    const json = decodeOtlpTraces(Buffer.from(JSON.stringify(request)), 'json', { maxSpans: 1 });
    expect(protobuf).toEqual(json);
    expect(protobuf.ok && protobuf.request.resourceSpans[0].scopeSpans[0].spans[0].traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
