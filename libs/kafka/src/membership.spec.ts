import { HeartbeatPump, rejoinCause } from './membership';

/** Shaped like kafkajs's errors: a protocol error with a type, wrapped by the retrier without one. */
function protocolError(type: string): Error {
  return Object.assign(new Error(type), { type });
}
function wrapped(cause: Error): Error {
  return Object.assign(new Error(cause.message, { cause }), { name: 'KafkaJSNonRetriableError' });
}

describe('rejoinCause', () => {
  it('finds the broker error that asks for a rejoin under kafkajs\'s wrapper', () => {
    const unknownMember = protocolError('UNKNOWN_MEMBER_ID');
    expect(rejoinCause(wrapped(unknownMember))).toBe(unknownMember);
    expect(rejoinCause(protocolError('REBALANCE_IN_PROGRESS'))?.message).toBe('REBALANCE_IN_PROGRESS');
    expect(rejoinCause(wrapped(protocolError('TOPIC_AUTHORIZATION_FAILED')))).toBeUndefined();
    expect(rejoinCause('not an error')).toBeUndefined();
  });
});

describe('HeartbeatPump', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('heartbeats while the work is in flight, stops after it, and keeps a lost membership for the caller', async () => {
    let beats = 0;
    const pump = new HeartbeatPump(async () => {
      beats++;
      if (beats === 3) throw wrapped(protocolError('REBALANCE_IN_PROGRESS'));
      if (beats === 2) throw new Error('connection reset'); // not about membership: ignored
    }, 100);
    let finish!: (value: string) => void;
    const result = pump.around(new Promise<string>((resolve) => (finish = resolve)));
    await jest.advanceTimersByTimeAsync(250);
    expect(beats).toBe(2);
    expect(pump.lost).toBeUndefined();
    await jest.advanceTimersByTimeAsync(100);
    expect(pump.lost?.message).toBe('REBALANCE_IN_PROGRESS');
    await jest.advanceTimersByTimeAsync(300);
    expect(beats).toBe(3); // no beats once the membership is lost
    finish('inserted');
    await expect(result).resolves.toBe('inserted');
    await jest.advanceTimersByTimeAsync(1000);
    expect(beats).toBe(3);
  });
});
