import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles up to the ceiling', () => {
    const backoff = new Backoff(250, 1500);
    expect([backoff.delay(), backoff.delay(), backoff.delay(), backoff.delay(), backoff.delay()]).toEqual([250, 500, 1000, 1500, 1500]);
  });
});
