import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { DeviceTargets } from './role-policy';

export const DEVICE_BOUND_KEY = 'chargeflow:device-bound';

export type DeviceTargetSelector = (request: FastifyRequest) => DeviceTargets;

/**
 * Marks a route a device key may call for its own vehicle or station only. By default the targets
 * are `vehicleId` and `stationId` in the route parameters, the body, each item of a body that is an
 * array, and each item of `body.samples`.
 */
export const DeviceBound = (selector: DeviceTargetSelector = defaultDeviceTargets) =>
  SetMetadata(DEVICE_BOUND_KEY, selector);

export function defaultDeviceTargets(request: FastifyRequest): DeviceTargets {
  const sources: unknown[] = [request.params, ...(Array.isArray(request.body) ? request.body : [request.body])];
  const samples = (request.body as { samples?: unknown } | null | undefined)?.samples;
  if (Array.isArray(samples)) sources.push(...samples);
  const vehicleIds = new Set<string>();
  const stationIds = new Set<string>();
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    const { vehicleId, stationId } = source as { vehicleId?: unknown; stationId?: unknown };
    // A present but non-string id cannot match any binding, so it is kept as a target that fails the check.
    if (vehicleId !== undefined) vehicleIds.add(String(vehicleId));
    if (stationId !== undefined) stationIds.add(String(stationId));
  }
  return { vehicleIds: [...vehicleIds], stationIds: [...stationIds] };
}
