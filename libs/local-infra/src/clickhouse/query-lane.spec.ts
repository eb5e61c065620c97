import { laneOf, QueryLane } from './query-lane';

const settle = () => new Promise((done) => setImmediate(done));

describe('QueryLane', () => {
  it('runs maxConcurrent queries, queues maxQueued, refuses the rest like a full server', async () => {
    const lane = new QueryLane({ name: 'read', maxConcurrent: 1, maxQueued: 1 });
    await lane.acquire();
    let second = false;
    void lane.acquire().then(() => (second = true));
    await expect(lane.acquire()).rejects.toMatchObject({ type: 'TOO_MANY_SIMULTANEOUS_QUERIES' });
    expect(lane.load).toBe(2);
    await settle();
    expect(second).toBe(false);
    lane.release();
    await settle();
    expect(second).toBe(true);
    let idle = false;
    void lane.whenIdle().then(() => (idle = true));
    lane.release();
    await settle();
    expect([idle, lane.load]).toEqual([true, 0]);
  });
});

describe('laneOf', () => {
  it.each([
    [{ insert: true, readOnlyMethod: false, readonlySetting: undefined }, 'write'],
    [{ insert: true, readOnlyMethod: false, readonlySetting: '2' }, 'write'],
    [{ insert: false, readOnlyMethod: false, readonlySetting: undefined }, 'write'],
    [{ insert: false, readOnlyMethod: false, readonlySetting: '0' }, 'write'],
    [{ insert: false, readOnlyMethod: false, readonlySetting: '2' }, 'read'],
    [{ insert: false, readOnlyMethod: false, readonlySetting: '1' }, 'read'],
    [{ insert: false, readOnlyMethod: true, readonlySetting: undefined }, 'read'],
  ])('puts %j in the %s lane', (request, lane) => {
    expect(laneOf(request)).toBe(lane);
  });
});
