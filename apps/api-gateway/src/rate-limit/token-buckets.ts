/** A sustained rate with room for a burst: `capacity` requests at once, refilled at `perMinute`. */
export interface RateLimit {
  perMinute: number;
  capacity: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole requests left right now. */
  remaining: number;
  /** Seconds until one request is allowed again (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/** Tokens a bucket holds at `nowMs`, refilled since it was last touched and capped at its capacity. */
export function refilledTokens(bucket: Bucket, limit: RateLimit, nowMs: number): number {
  const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
  return Math.min(limit.capacity, bucket.tokens + (elapsedMs * limit.perMinute) / 60_000);
}

/** Seconds until a bucket holding `tokens` has one whole token again. */
export function secondsUntilNextToken(tokens: number, limit: RateLimit): number {
  return Math.max(1, Math.ceil(((1 - tokens) * 60) / limit.perMinute));
}

/**
 * One token bucket per subject (an API key or an address). Buckets that have filled up again hold
 * nothing worth keeping and are dropped by `sweep`, which bounds the memory to the active subjects.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  take(subject: string, limit: RateLimit, nowMs: number): RateDecision {
    const bucket = this.buckets.get(subject) ?? { tokens: limit.capacity, updatedAtMs: nowMs };
    const tokens = refilledTokens(bucket, limit, nowMs);
    const allowed = tokens >= 1;
    bucket.tokens = allowed ? tokens - 1 : tokens;
    bucket.updatedAtMs = nowMs;
    this.buckets.set(subject, bucket);
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      retryAfterSeconds: allowed ? 0 : secondsUntilNextToken(bucket.tokens, limit),
    };
  }

  sweep(limitOf: (subject: string) => RateLimit, nowMs: number): void {
    for (const [subject, bucket] of this.buckets) {
      const limit = limitOf(subject);
      if (refilledTokens(bucket, limit, nowMs) >= limit.capacity) this.buckets.delete(subject);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
