import { nextEndAttemptInMs, refusalStands } from './charge-end';

describe('the end of a stopped transaction’s charge', () => {
  it('is tried again after 1, 2, 4 … seconds, never more than a minute apart', () => {
    expect([1, 2, 3, 4, 6, 7, 50].map(nextEndAttemptInMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('gives up only on a refusal that would not change', () => {
    expect(refusalStands('NOT_FOUND')).toBe(true);
    expect(refusalStands('CONFLICT')).toBe(true);
    expect(refusalStands('INVALID')).toBe(true);
    expect(refusalStands('UNAVAILABLE')).toBe(false);
    expect(refusalStands('TIMEOUT')).toBe(false);
    expect(refusalStands('INTERNAL')).toBe(false);
  });
});
