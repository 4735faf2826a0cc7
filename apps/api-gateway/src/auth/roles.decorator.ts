import { SetMetadata } from '@nestjs/common';

export const ApiRoles = ['admin', 'operator', 'device', 'analyst'] as const;

export type ApiRole = (typeof ApiRoles)[number];

export const ROLES_KEY = 'chargeflow:roles';
export const PUBLIC_KEY = 'chargeflow:public';

/** The roles that may call a route. Every route declares its roles, or is explicitly @Public(). */
export const Roles = (...roles: ApiRole[]) => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call without a key (health, readiness, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
