import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { GatewayConfig } from '../config';
import { TokenBuckets, type RateDecision, type RateLimit } from './token-buckets';

const SWEEP_INTERVAL_MS = 60_000;

/** Who a request is counted against: its API key, its address when it has no valid key, or its address's readiness probes. */
export type RateSubject = { keyId: string } | { address: string } | { probe: string };

export type LimitedDecision = RateDecision & { limit: RateLimit };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when authentication already charged the address for a key it had to look up. */
    addressDecision?: LimitedDecision;
  }
}

/** The token buckets of this gateway instance: one per API key, one per address without a valid key. */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly buckets = new TokenBuckets();
  private readonly keyLimit: RateLimit;
  private readonly addressLimit: RateLimit;
  private readonly probeLimit: RateLimit;
  private readonly sweeper: NodeJS.Timeout;

  constructor(@Inject(GatewayConfig) config: GatewayConfig) {
    this.keyLimit = { perMinute: config.RATE_LIMIT_KEY_PER_MINUTE, capacity: config.RATE_LIMIT_KEY_BURST };
    this.addressLimit = { perMinute: config.RATE_LIMIT_ADDRESS_PER_MINUTE, capacity: config.RATE_LIMIT_ADDRESS_BURST };
    this.probeLimit = { perMinute: config.READINESS_RATE_PER_MINUTE, capacity: config.READINESS_RATE_BURST };
    this.sweeper = setInterval(
      () => this.buckets.sweep((subject) => this.limitOf(subject), Date.now()),
      SWEEP_INTERVAL_MS,
    ).unref();
  }

  take(subject: RateSubject): LimitedDecision {
    const name =
      'keyId' in subject
        ? `key:${subject.keyId}`
        : 'probe' in subject
          ? `probe:${subject.probe}`
          : `address:${subject.address}`;
    const limit = this.limitOf(name);
    return { ...this.buckets.take(name, limit, Date.now()), limit };
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private limitOf(subject: string): RateLimit {
    if (subject.startsWith('key:')) return this.keyLimit;
    return subject.startsWith('probe:') ? this.probeLimit : this.addressLimit;
  }
}
