import { Inject, Injectable, type CanActivate, type ExecutionContext, type OnModuleDestroy } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { routeAccessOf } from '../auth/route-access';
import { GatewayConfig } from '../config';
import { ProblemException } from '../problem/problem';
import { TokenBuckets, type RateLimit } from './token-buckets';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Limits each API key, and each address for requests without a valid key (failed key attempts
 * included), with a token bucket; answers 429 with Retry-After. Counted per gateway instance.
 * Public routes (health probes) are not limited: a busy address must never fail the probes.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly buckets = new TokenBuckets();
  private readonly keyLimit: RateLimit;
  private readonly addressLimit: RateLimit;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly reflector: Reflector,
    @Inject(GatewayConfig) config: GatewayConfig,
  ) {
    this.keyLimit = { perMinute: config.RATE_LIMIT_KEY_PER_MINUTE, capacity: config.RATE_LIMIT_KEY_BURST };
    this.addressLimit = { perMinute: config.RATE_LIMIT_ADDRESS_PER_MINUTE, capacity: config.RATE_LIMIT_ADDRESS_BURST };
    this.sweeper = setInterval(() => this.buckets.sweep((subject) => this.limitOf(subject), Date.now()), SWEEP_INTERVAL_MS).unref();
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (routeAccessOf(this.reflector, context.getHandler(), context.getClass()).kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const subject = request.principal ? `key:${request.principal.keyId}` : `address:${request.ip}`;
    const limit = this.limitOf(subject);
    const decision = this.buckets.take(subject, limit, Date.now());
    if (!decision.allowed) {
      const per = request.principal ? 'API key' : 'address';
      throw ProblemException.of(
        429,
        'RATE_LIMITED',
        `too many requests for this ${per}: ${limit.perMinute} per minute with bursts of ${limit.capacity}; retry in ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }
    return true;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private limitOf(subject: string): RateLimit {
    return subject.startsWith('key:') ? this.keyLimit : this.addressLimit;
  }
}
