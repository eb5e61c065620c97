import { classicNodeTransaction, classicPageloadTransaction, transactionEvent } from '@pulse/testing/fixtures';
import { readTransactionEvent } from './transaction-event';

const trace = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' };

describe('readTransactionEvent', () => {
  it('accepts what the SDKs send, returning the parsed object itself', () => {
    for (const event of [transactionEvent(), classicNodeTransaction(), classicPageloadTransaction()]) {
      const result = readTransactionEvent(event);
      expect(result.ok && result.value).toBe(event);
    }
  });

  it('takes null as absent for optional fields, as class-validator did', () => {
    const nulls = { event_id: null, transaction_info: null, request: null, measurements: null, user: null, sdk: null, tags: null, release: null };
    expect(readTransactionEvent(transactionEvent({ ...nulls, contexts: { trace: { ...trace, parent_span_id: null, op: null } } }))).toMatchObject({ ok: true });
  });

  it.each([
    ['a name over 800 characters', { transaction: 'x'.repeat(801) }, 'transaction must be shorter than or equal to 800 characters'],
    ['a numeric name', { transaction: 7 }, 'transaction must be a string'],
    ['a bad event id', { event_id: 'nope' }, 'event_id must be 32 hex characters or a UUID'],
    ['a trace that is not an object', { contexts: { trace: 'x' } }, 'contexts.trace must be an object'],
    ['a bad parent span id', { contexts: { trace: { ...trace, parent_span_id: 'abc' } } }, 'contexts.trace.parent_span_id must be 16 hex characters'],
    ['an op over 200 characters', { contexts: { trace: { ...trace, op: 'o'.repeat(201) } } }, 'contexts.trace.op: op must be shorter than or equal to 200 characters'],
    ['a status over 64 characters', { contexts: { trace: { ...trace, status: 's'.repeat(65) } } }, 'contexts.trace.status: status must be shorter than or equal to 64 characters'],
    ['a browser context that is a list', { contexts: { trace, browser: [] } }, 'contexts.browser: browser must be an object'],
    ['measurements that are a list', { measurements: [] }, 'measurements must be an object'],
    ['an sdk name that is a number', { sdk: { name: 1 } }, 'sdk.name: name must be a string'],
    ['a boolean user id', { user: { id: true } }, 'user.id: id must be a string'],
    ['tags that are a string', { tags: 'a=b' }, 'tags must be an object'],
    ['a request method that is a number', { request: { method: 1 } }, 'request.method: method must be a string'],
  ])('refuses %s, naming the field', (_what, overrides, cause) => {
    expect(readTransactionEvent(transactionEvent(overrides))).toEqual({ ok: false, detail: `invalid transaction event: ${cause}`, causes: [cause] });
  });
});
