import type { Paramtype, Type } from '@nestjs/common';
import * as contracts from '@chargeflow/contracts';
import {
  AnalyticsExplainRequest,
  AnalyticsPeriod,
  AnalyticsSessionsRequest,
  AnalyticsSummaryRequest,
  AnalyticsTimeseriesRequest,
  CreateRiderRequest,
  CreateStationRequest,
  CreateVehicleRequest,
  ListBillingRequest,
  ListRejectionsRequest,
  ListRequest,
  ListSessionsRequest,
  ListTariffsRequest,
  PageRequest,
  QuoteTerms,
  RiderChanges,
  StartChargingRequest,
  StartRideRequest,
  StationChanges,
  VehicleChanges,
  VerifyBillingRequest,
} from '@chargeflow/contracts';
import type { ProblemException } from '../problem/problem';
import { gatewayValidationPipe } from '../validation/validation.pipe';
import './api.module';
import {
  AnalyticsExplainQuery,
  AnalyticsPeriodQuery,
  AnalyticsSessionsQuery,
  AnalyticsSummaryQuery,
  AnalyticsTimeseriesQuery,
} from './analytics/analytics.dto';
import { CreateRiderBody, ListRidersQuery, RiderChangesBody } from './fleet/rider.dto';
import { CreateStationBody, ListStationsQuery, StationChangesBody } from './fleet/station.dto';
import { CreateVehicleBody, ListVehiclesQuery, VehicleChangesBody } from './fleet/vehicle.dto';
import { ListBillingQuery, VerifyBillingBody } from './pricing/billing.dto';
import { ListTariffsQuery, QuoteTermsBody } from './pricing/tariff.dto';
import { ListSessionsQuery, StartChargingBody, StartRideBody } from './sessions/session.dto';
import { ListRejectionsQuery, ListSamplesQuery } from './telemetry/telemetry.dto';

interface Case {
  documented: Type;
  contract: Type;
  in: Paramtype;
  inputs: Record<string, unknown>[];
}

const VEHICLE = '7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77';
const OTHER = '0b8e5d2a-6f1c-4e3b-9a7d-2c4f6e8a1b3d';
const NOVEMBER = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
const filters = [
  NOVEMBER,
  { ...NOVEMBER, kind: 'RIDE', vehicleId: VEHICLE, stationId: OTHER, riderId: OTHER },
  { from: 'November', to: '2026-12-01', kind: 'BOAT', vehicleId: 'v1' },
  {},
  { ...NOVEMBER, page: '2' },
];
const pages = [{}, { limit: '20', cursor: 'abc' }, { limit: '0' }, { limit: '1001' }, { cursor: '' }, { page: '2' }];

const cases: Case[] = [
  {
    documented: CreateVehicleBody,
    contract: CreateVehicleRequest,
    in: 'body',
    inputs: [
      { label: 'e-bike 42', batteryCapacityWh: 500, energyWh: 420.5 },
      { label: '', batteryCapacityWh: 0 },
      { label: 'e-bike 42', batteryCapacityWh: 500, energyWh: 1, colour: 'blue' },
    ],
  },
  {
    documented: VehicleChangesBody,
    contract: VehicleChanges,
    in: 'body',
    inputs: [{}, { label: 'e-bike 42 (blue)' }, { batteryCapacityWh: '520' }, { energyWh: 1 }],
  },
  { documented: ListVehiclesQuery, contract: ListRequest, in: 'query', inputs: pages },
  {
    documented: CreateStationBody,
    contract: CreateStationRequest,
    in: 'body',
    inputs: [
      { name: 'Depot Nord, bay 3', ratedPowerW: 11_000, timeZone: 'Europe/Berlin', metered: false },
      { name: 'Depot Nord', ratedPowerW: 1.5, timeZone: 'Mars/Olympus', metered: 'no' },
      { name: 'Depot Nord', ratedPowerW: 11_000, timeZone: 'Europe/Berlin', metered: true, bays: 2 },
    ],
  },
  {
    documented: StationChangesBody,
    contract: StationChanges,
    in: 'body',
    inputs: [{}, { ratedPowerW: 22_000, metered: true }, { timeZone: 'nowhere' }, { id: 'x' }],
  },
  { documented: ListStationsQuery, contract: ListRequest, in: 'query', inputs: pages },
  {
    documented: CreateRiderBody,
    contract: CreateRiderRequest,
    in: 'body',
    inputs: [{ name: 'Ada Lovelace' }, {}, { name: 'Ada', email: 'ada@example.com' }],
  },
  {
    documented: RiderChangesBody,
    contract: RiderChanges,
    in: 'body',
    inputs: [{}, { name: 'Ada King' }, { name: 42 }],
  },
  { documented: ListRidersQuery, contract: ListRequest, in: 'query', inputs: pages },
  {
    documented: StartRideBody,
    contract: StartRideRequest,
    in: 'body',
    inputs: [
      { vehicleId: VEHICLE, riderId: OTHER },
      { vehicleId: 'v1' },
      { vehicleId: VEHICLE, riderId: OTHER, id: OTHER },
    ],
  },
  {
    documented: StartChargingBody,
    contract: StartChargingRequest,
    in: 'body',
    inputs: [
      { vehicleId: VEHICLE, stationId: OTHER },
      { vehicleId: VEHICLE, stationId: OTHER, riderId: OTHER },
      { vehicleId: VEHICLE, stationId: OTHER, riderId: 'r1' },
      { stationId: 42 },
      { vehicleId: VEHICLE, stationId: OTHER, x: 1 },
    ],
  },
  {
    documented: ListSessionsQuery,
    contract: ListSessionsRequest,
    in: 'query',
    inputs: [
      ...pages,
      {
        kind: 'RIDE',
        state: 'FINALIZED',
        vehicleId: VEHICLE,
        from: '2026-11-01T00:00:00Z',
        to: '2026-12-01T00:00:00Z',
      },
      { kind: 'ride', riderId: 'nobody', from: 'yesterday' },
    ],
  },
  { documented: ListSamplesQuery, contract: PageRequest, in: 'query', inputs: pages },
  {
    documented: ListRejectionsQuery,
    contract: ListRejectionsRequest,
    in: 'query',
    inputs: [
      ...pages,
      { sessionId: OTHER, vehicleId: VEHICLE, reason: 'SESSION_FINALIZED', from: '2026-11-01T00:00:00Z' },
      { reason: 'LATE', vehicleId: 'v1', to: '2026-13-01', limit: 'all' },
    ],
  },
  { documented: ListTariffsQuery, contract: ListTariffsRequest, in: 'query', inputs: pages },
  {
    documented: QuoteTermsBody,
    contract: QuoteTerms,
    in: 'body',
    inputs: [
      { kind: 'CHARGING', startedAt: '2026-11-22T18:30:00Z', endedAt: '2026-11-22T20:00:00Z', energyWh: 22_500 },
      { kind: 'CHARGING', startedAt: '2026-11-22T18:30:00Z', endedAt: '2026-11-22T20:00:00Z', energyWh: '22500.5' },
      { kind: 'BOAT', startedAt: 'now', energyWh: -1, parkingDurationS: 1.5, stationId: 's', timeZone: 'Mars' },
      { kind: 'RIDE', startedAt: '2026-11-22T18:30:00Z', endedAt: '2026-11-22T20:00:00Z', energyWh: 1, tip: 1 },
    ],
  },
  {
    documented: ListBillingQuery,
    contract: ListBillingRequest,
    in: 'query',
    inputs: [
      ...pages,
      { status: 'PRICED', kind: 'CHARGING', riderId: OTHER, from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      { status: 'PAID', kind: 'BOAT', riderId: 'r1', limit: '-1' },
    ],
  },
  {
    documented: VerifyBillingBody,
    contract: VerifyBillingRequest,
    in: 'body',
    inputs: [{}, { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, { from: 'November' }, { all: true }],
  },
  {
    documented: AnalyticsPeriodQuery,
    contract: AnalyticsPeriod,
    in: 'query',
    inputs: [...filters, { ...NOVEMBER, kind: 'CHARGING' }],
  },
  {
    documented: AnalyticsSummaryQuery,
    contract: AnalyticsSummaryRequest,
    in: 'query',
    inputs: [
      ...filters,
      ...pages.map((page) => ({ ...NOVEMBER, ...page })),
      { ...NOVEMBER, groupBy: 'station', limit: '100' },
      { ...NOVEMBER, groupBy: 'day' },
    ],
  },
  {
    documented: AnalyticsTimeseriesQuery,
    contract: AnalyticsTimeseriesRequest,
    in: 'query',
    inputs: [
      ...filters.map((filter) => ({ ...filter, metric: 'rides', window: 'DAY' })),
      { ...NOVEMBER, metric: 'revenueInclVat', window: 'MONTH', tz: 'Asia/Kolkata', currency: 'EUR', groupBy: 'rider' },
      { ...NOVEMBER, metric: 'speed', window: 'YEAR', currency: 'euro', groupBy: 'day', tz: 'x'.repeat(65) },
      NOVEMBER,
    ],
  },
  {
    documented: AnalyticsExplainQuery,
    contract: AnalyticsExplainRequest,
    in: 'query',
    inputs: [
      ...filters.map((filter) => ({ ...filter, metric: 'energyChargedWh' })),
      ...pages.map((page) => ({ ...NOVEMBER, metric: 'vat', currency: 'EUR', ...page })),
      { ...NOVEMBER, metric: 'speed', currency: 'eur' },
    ],
  },
  {
    documented: AnalyticsSessionsQuery,
    contract: AnalyticsSessionsRequest,
    in: 'query',
    inputs: [...filters, ...pages.map((page) => ({ ...NOVEMBER, ...page }))],
  },
];

const pipe = gatewayValidationPipe();

/** What the controller receives (its own properties, as it spreads them on), or the problem's field errors. */
async function outcomeOf(metatype: Type, contract: Type, type: Paramtype, input: Record<string, unknown>) {
  try {
    const value: object = await pipe.transform({ ...input }, { type, metatype });
    return { isContract: value instanceof contract, received: { ...value } };
  } catch (error) {
    const { errors } = (error as ProblemException).extensions as { errors: { field: string; message: string }[] };
    // class-validator lists a class's own fields before inherited ones; a documented subclass owns none.
    return { refused: errors.toSorted((a, b) => a.field.localeCompare(b.field) || a.message.localeCompare(b.message)) };
  }
}

describe('documented requests', () => {
  it.each(cases.map((test) => [test.documented.name, test] as const))(
    '%s accepts, refuses and passes on what its contract does',
    async (_name, { documented, contract, in: type, inputs }) => {
      for (const input of inputs) {
        const outcome = await outcomeOf(documented, contract, type, input);
        expect({ input, outcome }).toStrictEqual({ input, outcome: await outcomeOf(contract, contract, type, input) });
      }
    },
  );

  it('leave the contract classes as libs/contracts declares them, without OpenAPI metadata', () => {
    const documented = Object.entries(contracts).filter(
      ([, value]) =>
        typeof value === 'function' &&
        Reflect.getMetadataKeys(value.prototype ?? {}).some((key) => String(key).startsWith('swagger/')),
    );
    expect(documented.map(([name]) => name)).toEqual([]);
  });
});
