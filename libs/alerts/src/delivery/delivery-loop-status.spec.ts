import { deliveryLoopProblem, DeliveryLoopStatus } from './delivery-worker';

/** What /ready of the alerts app says of the outbox loop (the `outbox` check). */
describe('deliveryLoopProblem', () => {
  const healthy: DeliveryLoopStatus = { running: true, lastTurnAtMs: 1_000_000, stalledAfterMs: 270_000 };

  it('is healthy while passes finish within the longest a healthy pass takes', () => {
    expect(deliveryLoopProblem(healthy, 1_000_000)).toBeUndefined();
    expect(deliveryLoopProblem(healthy, 1_000_000 + 270_000)).toBeUndefined();
  });

  it('says so when a pass runs past that bound (a hang no timeout covers)', () => {
    expect(deliveryLoopProblem(healthy, 1_000_000 + 270_001)).toBe('the outbox worker has not finished a pass for 270 s (a pass takes at most 270 s)');
  });

  it('says so when the loop is not running', () => {
    expect(deliveryLoopProblem({ ...healthy, running: false }, 1_000_000)).toBe('the outbox worker is not running');
    expect(deliveryLoopProblem({ ...healthy, lastTurnAtMs: null }, 1_000_000)).toBe('the outbox worker is not running');
  });
});
