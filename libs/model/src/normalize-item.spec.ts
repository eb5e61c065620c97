import { nodeCaptureExceptionEvent, transactionEvent } from '@pulse/testing/fixtures';
import { normalizeItem } from './normalize-item';

const ctx = { projectId: 7, receivedAtMs: 1_795_499_990_000, generateEventId: () => 'ffffffff-ffff-4fff-8fff-ffffffffffff' };

/**
 * The envelope item header decides what an item is, as in Relay
 * (relay-server/src/services/processor/event.rs `extract`): a `transaction` item is a transaction
 * whatever its payload's `type`; an `event` item's own `type` is cleared.
 */
describe('normalizeItem: the item header decides the type', () => {
  it('stores a transaction item whose payload has no type (the Rust SDK 0.49) as a transaction', () => {
    const result = normalizeItem('transaction', transactionEvent({ type: undefined }), ctx);
    expect(result.ok && result.records.transactions.map((t) => t.name)).toEqual([transactionEvent().transaction]);
  });

  it('stores a transaction item whose payload says "error" as a transaction too', () => {
    const result = normalizeItem('transaction', transactionEvent({ type: 'error' }), ctx);
    expect(result.ok && result.records.transactions).toHaveLength(1);
  });

  it('stores an event item whose payload says "transaction" as an error', () => {
    const result = normalizeItem('event', nodeCaptureExceptionEvent({ type: 'transaction' }), ctx);
    expect(result.ok && result.records.errors.map((e) => e.title)).toEqual(['Error: Order 7 not found']);
    expect(result.ok && result.records.transactions).toHaveLength(0);
  });
});
