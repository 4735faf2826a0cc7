import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeyRepository } from './api-key.repository';
import { AuthenticationGuard } from './authentication.guard';
import { AuthorizationGuard } from './authorization.guard';
import { BootstrapAdminKey } from './bootstrap-admin-key';
import { RouteCatalog } from './route-catalog';

/** Who is calling and what they may do, for every route: identify, then limit, then decide (in this order). */
@Module({
  imports: [DiscoveryModule],
  providers: [
    ApiKeyRepository,
    ApiKeyCache,
    BootstrapAdminKey,
    RouteCatalog,
    RateLimiter,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AuthorizationGuard },
  ],
  exports: [ApiKeyRepository, ApiKeyCache, RouteCatalog, RateLimiter],
})
export class AuthModule {}
