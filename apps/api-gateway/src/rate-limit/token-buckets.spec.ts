import { refilledTokens, secondsUntilNextToken, TokenBuckets, type RateLimit } from './token-buckets';

const sixtyPerMinute: RateLimit = { perMinute: 60, capacity: 3 };

describe('token bucket rate limiting', () => {
  it('lets a full burst through, then refuses with the seconds until the next token', () => {
    const buckets = new TokenBuckets();
    const decisions = [0, 0, 0, 0].map(() => buckets.take('key:a', sixtyPerMinute, 1_000));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((decision) => decision.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3].retryAfterSeconds).toBe(1);
  });

  it('refills at the sustained rate and never above the capacity', () => {
    expect(refilledTokens({ tokens: 0, updatedAtMs: 0 }, sixtyPerMinute, 1_500)).toBe(1.5);
    expect(refilledTokens({ tokens: 0, updatedAtMs: 0 }, sixtyPerMinute, 60_000)).toBe(3);
    expect(refilledTokens({ tokens: 2, updatedAtMs: 5_000 }, sixtyPerMinute, 4_000)).toBe(2);
  });

  it('tells a slow limit how long to wait, rounded up to whole seconds', () => {
    expect(secondsUntilNextToken(0, { perMinute: 6, capacity: 1 })).toBe(10);
    expect(secondsUntilNextToken(0.5, { perMinute: 6, capacity: 1 })).toBe(5);
    expect(secondsUntilNextToken(0.99, { perMinute: 6000, capacity: 1 })).toBe(1);
  });

  it('keeps subjects apart', () => {
    const buckets = new TokenBuckets();
    const limit: RateLimit = { perMinute: 1, capacity: 1 };
    expect(buckets.take('key:a', limit, 0).allowed).toBe(true);
    expect(buckets.take('key:a', limit, 0).allowed).toBe(false);
    expect(buckets.take('key:b', limit, 0).allowed).toBe(true);
  });

  it('forgets buckets that are full again, and only those', () => {
    const buckets = new TokenBuckets();
    buckets.take('key:idle', sixtyPerMinute, 0);
    buckets.take('key:busy', sixtyPerMinute, 9_500);
    buckets.sweep(() => sixtyPerMinute, 10_000);
    expect(buckets.size).toBe(1);
  });
});
