import type { ApiRole } from './roles.decorator';
import type { Principal } from './principal';

/**
 * Who may do what, as the role lists routes declare (`@Roles(...RoleSets.sessionCommands)`).
 * Admin may do everything but post telemetry; operator runs sessions and reads everything; analyst
 * reads analytics and billing; a device only posts its own telemetry.
 */
export const RoleSets = {
  apiKeys: ['admin'],
  deviceCredentials: ['admin'],
  tariffWrites: ['admin'],
  referenceDataWrites: ['admin'],
  operations: ['admin'],
  sessionCommands: ['admin', 'operator'],
  reads: ['admin', 'operator'],
  analyticsReads: ['admin', 'operator', 'analyst'],
  analyticsRebuild: ['admin'],
  analyticsVerify: ['admin', 'operator'],
  billingReads: ['admin', 'operator', 'analyst'],
  telemetryIngest: ['device'],
} as const satisfies Record<string, readonly ApiRole[]>;

export function isRoleAllowed(role: ApiRole, declared: readonly ApiRole[]): boolean {
  return declared.includes(role);
}

/** The vehicles and stations a request acts on, as far as a device-bound route can tell. */
export interface DeviceTargets {
  vehicleIds: string[];
  stationIds: string[];
}

/**
 * The object-level rule for device keys: a request must name at least one vehicle or station, and
 * every one it names must be the one the key is bound to.
 */
export function deviceMayActOn(principal: Principal, targets: DeviceTargets): boolean {
  if (targets.vehicleIds.length + targets.stationIds.length === 0) return false;
  return (
    targets.vehicleIds.every((vehicleId) => vehicleId === principal.vehicleId) &&
    targets.stationIds.every((stationId) => stationId === principal.stationId)
  );
}
