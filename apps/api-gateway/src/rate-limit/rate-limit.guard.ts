import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { routeAccessOf } from '../auth/route-access';
import { ProblemException } from '../problem/problem';
import { RateLimiter } from './rate-limiter';

/**
 * Limits each API key, and each address for requests without a valid key (failed key attempts
 * included), with a token bucket; answers 429 with Retry-After. Counted per gateway instance.
 * Public routes (health probes) are not limited: a busy address must never fail the probes.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (routeAccessOf(this.reflector, context.getHandler(), context.getClass()).kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const decision = request.principal
      ? this.limiter.take({ keyId: request.principal.keyId })
      : (request.addressDecision ?? this.limiter.take({ address: request.ip }));
    if (!decision.allowed) {
      const per = request.principal ? 'API key' : 'address';
      throw new ProblemException(
        'RATE_LIMITED',
        `too many requests for this ${per}: ${decision.limit.perMinute} per minute with bursts of ${decision.limit.capacity}; retry in ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }
    return true;
  }
}
