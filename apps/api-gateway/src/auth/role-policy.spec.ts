import { Reflector } from '@nestjs/core';
import { DeviceBound, defaultDeviceTargets } from './device-bound.decorator';
import type { Principal } from './principal';
import { deviceMayActOn, isRoleAllowed, RoleSets } from './role-policy';
import { declarationFlawOf, routeAccessOf } from './route-access';
import { ApiRoles, Public, Roles, type ApiRole } from './roles.decorator';
import type { FastifyRequest } from 'fastify';

const device: Principal = { keyId: 'k-1', name: 'bike 7', role: 'device', vehicleId: 'vehicle-7', stationId: null };

describe('the role matrix', () => {
  const allowed = (set: keyof typeof RoleSets) => ApiRoles.filter((role) => isRoleAllowed(role, RoleSets[set]));

  it('gives keys, tariffs, reference data writes, operations and analytics rebuilds to admin only', () => {
    for (const set of ['apiKeys', 'tariffWrites', 'referenceDataWrites', 'operations', 'analyticsRebuild'] as const)
      expect(allowed(set)).toEqual(['admin']);
  });

  it('lets operators run sessions and read everything, analysts read analytics and billing', () => {
    expect(allowed('sessionCommands')).toEqual(['admin', 'operator']);
    expect(allowed('reads')).toEqual(['admin', 'operator']);
    expect(allowed('analyticsReads')).toEqual(['admin', 'operator', 'analyst']);
    expect(allowed('analyticsVerify')).toEqual(['admin', 'operator']);
    expect(allowed('billingReads')).toEqual(['admin', 'operator', 'analyst']);
  });

  it('keeps devices to telemetry, and telemetry to devices', () => {
    const withDevice = (Object.keys(RoleSets) as (keyof typeof RoleSets)[]).filter((set) =>
      allowed(set).includes('device'),
    );
    expect(withDevice).toEqual(['telemetryIngest']);
    expect(allowed('telemetryIngest')).toEqual(['device']);
  });
});

describe('device keys act on their own vehicle or station only', () => {
  it('needs at least one target, all of them the bound one', () => {
    expect(deviceMayActOn(device, { vehicleIds: ['vehicle-7'], stationIds: [] })).toBe(true);
    expect(deviceMayActOn(device, { vehicleIds: [], stationIds: [] })).toBe(false);
    expect(deviceMayActOn(device, { vehicleIds: ['vehicle-7', 'vehicle-8'], stationIds: [] })).toBe(false);
    expect(deviceMayActOn(device, { vehicleIds: ['vehicle-7'], stationIds: ['station-1'] })).toBe(false);
    expect(
      deviceMayActOn(
        { ...device, vehicleId: null, stationId: 'station-1' },
        { vehicleIds: [], stationIds: ['station-1'] },
      ),
    ).toBe(true);
  });

  it('finds targets in route parameters, the body and each sample of a batch', () => {
    const request = {
      params: { vehicleId: 'vehicle-7' },
      body: {
        stationId: 'station-1',
        samples: [{ vehicleId: 'vehicle-7' }, { vehicleId: 'vehicle-9' }, { vehicleId: 42 }],
      },
    } as unknown as FastifyRequest;
    expect(defaultDeviceTargets(request)).toEqual({
      vehicleIds: ['vehicle-7', 'vehicle-9', '42'],
      stationIds: ['station-1'],
    });
  });
});

describe('route declarations', () => {
  class Routes {
    @Roles('admin')
    adminOnly(): void {}

    @Public()
    open(): void {}

    undeclared(): void {}

    @Roles('device')
    deviceWithoutBinding(): void {}

    @Roles('device')
    @DeviceBound()
    deviceWithBinding(): void {}
  }
  @Roles('operator')
  class OperatorRoutes {
    inherited(): void {}

    @Roles('admin', 'operator')
    overridden(): void {}

    @Public()
    opened(): void {}
  }
  const reflector = new Reflector();
  const access = (controller: Function, name: string) =>
    routeAccessOf(reflector, (controller.prototype as Record<string, Function>)[name], controller);
  const roles = (controller: Function, name: string): readonly ApiRole[] | string => {
    const declared = access(controller, name);
    return declared.kind === 'roles' ? declared.roles : declared.kind;
  };

  it('reads the handler first, then its controller, and fails closed without either', () => {
    expect(roles(Routes, 'adminOnly')).toEqual(['admin']);
    expect(roles(Routes, 'open')).toBe('public');
    expect(roles(Routes, 'undeclared')).toBe('undeclared');
    expect(roles(OperatorRoutes, 'inherited')).toEqual(['operator']);
    expect(roles(OperatorRoutes, 'overridden')).toEqual(['admin', 'operator']);
    expect(roles(OperatorRoutes, 'opened')).toBe('public');
  });

  it('flags routes that declare nothing and device routes without a binding', () => {
    expect(declarationFlawOf(access(Routes, 'undeclared'))).toMatch(/neither/);
    expect(declarationFlawOf(access(Routes, 'deviceWithoutBinding'))).toMatch(/DeviceBound/);
    expect(declarationFlawOf(access(Routes, 'deviceWithBinding'))).toBeNull();
    expect(declarationFlawOf(access(Routes, 'adminOnly'))).toBeNull();
  });
});
