import type { RiderRecord, StationRecord, VehicleRecord } from './fleet.repository';

/** Test fixtures: the vehicles, stations and riders sessions stand on, each overridable. */
const CREATED_AT = new Date('2026-01-01T00:00:00.000Z');

export const aVehicle = (overrides: Partial<VehicleRecord> = {}): VehicleRecord => ({
  id: 'vehicle-1',
  label: 'bike 7',
  batteryCapacityWh: '500',
  energyWh: '400',
  activeSessionId: null,
  createdAt: CREATED_AT,
  ...overrides,
});

export const aStation = (overrides: Partial<StationRecord> = {}): StationRecord => ({
  id: 'station-1',
  name: 'Dock 1',
  ratedPowerW: 3_600,
  timeZone: 'Europe/Amsterdam',
  metered: false,
  ocppChargePointId: null,
  ocppConnectorId: null,
  activeSessionId: null,
  createdAt: CREATED_AT,
  ...overrides,
});

export const aRider = (overrides: Partial<RiderRecord> = {}): RiderRecord => ({
  id: 'rider-1',
  name: 'Ada',
  createdAt: CREATED_AT,
  ...overrides,
});
