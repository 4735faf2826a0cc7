import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../problem/problem';
import type { AuthenticationFailure } from './principal';
import { deviceMayActOn, isRoleAllowed } from './role-policy';
import { routeAccessOf } from './route-access';

const AUTHENTICATION_DETAILS: Record<AuthenticationFailure, string> = {
  UNAUTHENTICATED: 'this route needs an API key: send it as "Authorization: Bearer <key>"',
  API_KEY_INVALID: 'the API key is not valid',
  API_KEY_REVOKED: 'the API key has been revoked',
  API_KEY_EXPIRED: 'the API key has expired',
};

/**
 * Decides: 401 when the caller is unknown, 403 when the caller's role (or, for a device, the vehicle
 * or station its key is bound to) does not fit the route, and 403 for a route that declared nothing.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  private readonly logger = new Logger('authorization');

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const access = routeAccessOf(this.reflector, context.getHandler(), context.getClass());
    if (access.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (access.kind === 'undeclared') {
      this.logger.error(
        `${request.method} ${request.routeOptions.url} declares neither @Roles nor @Public; refusing it`,
      );
      throw new ProblemException('ROUTE_NOT_DECLARED', 'this route declares no roles and is closed');
    }
    const principal = request.principal;
    if (!principal) {
      const failure = request.authenticationFailure ?? 'UNAUTHENTICATED';
      throw new ProblemException(
        failure,
        AUTHENTICATION_DETAILS[failure],
        {},
        { 'www-authenticate': 'Bearer realm="chargeflow"' },
      );
    }
    if (!isRoleAllowed(principal.role, access.roles)) {
      throw new ProblemException(
        'ROLE_NOT_ALLOWED',
        `the role '${principal.role}' may not call this route; allowed: ${access.roles.join(', ')}`,
        {
          role: principal.role,
          allowedRoles: access.roles,
        },
      );
    }
    if (
      principal.role === 'device' &&
      !(access.deviceTargets && deviceMayActOn(principal, access.deviceTargets(request)))
    ) {
      throw new ProblemException(
        'DEVICE_NOT_BOUND',
        'a device key acts only for the vehicle or station it is bound to',
      );
    }
    return true;
  }
}
