import type { Reflector } from '@nestjs/core';
import { DEVICE_BOUND_KEY, type DeviceTargetSelector } from './device-bound.decorator';
import { PUBLIC_KEY, ROLES_KEY, type ApiRole } from './roles.decorator';

/** What a route declared about its callers; `undeclared` routes are refused (fail closed). */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'roles'; roles: readonly ApiRole[]; deviceTargets: DeviceTargetSelector | null }
  | { kind: 'undeclared' };

/** The handler's own declaration wins over its controller's. */
export function routeAccessOf(reflector: Reflector, handler: Function, controller: Function): RouteAccess {
  for (const target of [handler, controller]) {
    const roles = reflector.get<ApiRole[] | undefined>(ROLES_KEY, target);
    if (roles) {
      const deviceTargets =
        reflector.get<DeviceTargetSelector | undefined>(DEVICE_BOUND_KEY, handler) ??
        reflector.get(DEVICE_BOUND_KEY, controller);
      return { kind: 'roles', roles, deviceTargets: deviceTargets ?? null };
    }
    if (reflector.get<boolean | undefined>(PUBLIC_KEY, target)) return { kind: 'public' };
  }
  return { kind: 'undeclared' };
}

/** A declaration the gateway refuses to start with, or null when the declaration is sound. */
export function declarationFlawOf(access: RouteAccess): string | null {
  if (access.kind === 'undeclared') return 'declares neither @Roles nor @Public';
  if (access.kind === 'roles' && access.roles.length === 0) return 'declares @Roles with no role';
  if (access.kind === 'roles' && access.roles.includes('device') && !access.deviceTargets)
    return "admits 'device' without @DeviceBound";
  return null;
}
