import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { statusOf, type ApiKey } from './api-key';
import { bearerKeyOf, hashApiKey } from './api-key-secret';
import { ApiKeyCache } from './api-key.cache';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { routeAccessOf } from './route-access';

/**
 * Finds out who is calling: sets `request.principal` from a valid bearer key, or records why there
 * is none. It refuses nothing itself, so the rate limiter can count failed attempts per address
 * before AuthorizationGuard answers 401 or 403. A key that is not cached costs its address a token
 * before the database is asked, and an address out of tokens gets no lookup: made-up keys cannot
 * turn into a flood of queries, while keys this instance knows keep working from that address.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyCache,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const access = routeAccessOf(this.reflector, context.getHandler(), context.getClass());
    if (access.kind !== 'roles') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = bearerKeyOf(request.headers.authorization);
    if (!key) {
      request.authenticationFailure =
        request.headers.authorization === undefined ? 'UNAUTHENTICATED' : 'API_KEY_INVALID';
      return true;
    }
    const hash = hashApiKey(key);
    const apiKey = this.apiKeys.cached(hash) ?? (await this.lookUp(request, hash));
    const status = apiKey ? statusOf(apiKey) : null;
    if (!apiKey || status !== 'active') {
      request.authenticationFailure =
        status === 'revoked' ? 'API_KEY_REVOKED' : status === 'expired' ? 'API_KEY_EXPIRED' : 'API_KEY_INVALID';
      return true;
    }
    request.principal = {
      keyId: apiKey.id,
      name: apiKey.name,
      role: apiKey.role,
      vehicleId: apiKey.vehicleId,
      stationId: apiKey.stationId,
    };
    return true;
  }

  /** A key that is not cached: the lookup costs the address a token first, so made-up keys cannot outrun the limit. */
  private async lookUp(request: FastifyRequest, hash: string): Promise<ApiKey | null> {
    const decision = this.limiter.take({ address: request.ip });
    if (decision.allowed) {
      request.addressDecision = decision;
      return this.apiKeys.findByHash(hash);
    }
    // A key this instance knows, whose revocation would have reached it, still gets in.
    const known = this.apiKeys.cached(hash, { evenIfStale: true });
    if (!known) request.addressDecision = decision;
    return known;
  }
}
