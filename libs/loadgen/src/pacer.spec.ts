import { OpenLoopPacer } from './pacer';

/** Takes one-event slots until the schedule ends; returns how many there were. */
function slotsUntilFinished(pacer: OpenLoopPacer): number {
  let events = 0;
  while (!pacer.finished) {
    pacer.take(1);
    events++;
  }
  return events;
}

describe('OpenLoopPacer', () => {
  it('makes the k-th event due at start + k / rate', () => {
    const pacer = new OpenLoopPacer(500, 1000, 11_000);
    expect(pacer.take(1)).toBe(1000);
    expect(pacer.take(1)).toBe(1002);
    expect(pacer.nextDueMs()).toBe(1004);
  });

  it('schedules rate × duration events, then is finished', () => {
    expect(slotsUntilFinished(new OpenLoopPacer(500, 0, 10_000))).toBe(5000);
    // Due at 0, 333, 667, 1000 and 1333 ms: ⌈rate × duration⌉.
    expect(slotsUntilFinished(new OpenLoopPacer(3, 0, 1_500))).toBe(5);
  });

  it('sends an envelope without events with the next event, taking no slot', () => {
    const pacer = new OpenLoopPacer(10, 0, 1000);
    expect(pacer.take(1)).toBe(0);
    expect(pacer.take(0)).toBe(100);
    expect(pacer.take(1)).toBe(100);
    expect(pacer.nextDueMs()).toBe(200);
  });

  it('says what is due at a time: everything up to it, nothing after the end', () => {
    const pacer = new OpenLoopPacer(100, 0, 50);
    const due: number[] = [];
    while (pacer.isDue(25)) due.push(pacer.take(1));
    expect(due).toEqual([0, 10, 20]);
    while (pacer.isDue(1e9)) due.push(pacer.take(1));
    expect(due).toEqual([0, 10, 20, 30, 40]);
  });

  it('does not drift over a long run (times come from the count, not a running sum)', () => {
    const pacer = new OpenLoopPacer(3, 0, Infinity);
    for (let i = 0; i < 3_000_000; i++) pacer.take(1);
    expect(pacer.nextDueMs()).toBe(1_000_000_000);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new OpenLoopPacer(0, 0, 1)).toThrow(/positive/);
    expect(() => new OpenLoopPacer(Number.NaN, 0, 1)).toThrow(/positive/);
  });
});
