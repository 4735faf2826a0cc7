import type { AnalyticsTimeseriesRequest } from '@chargeflow/contracts';
import { AnalyticsQueryInvalidError } from './analytics-query.errors';
import { ALL_SESSIONS_ID, explainQueryOf, seriesQueryOf, summaryScopeOf } from './query-scope';

const VEHICLE = '6f1c2b9e-0000-4000-8000-000000000001';
const STATION = '6f1c2b9e-0000-4000-8000-000000000002';
const range = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };

function refusedFields(query: () => unknown): string[] {
  try {
    query();
  } catch (error) {
    expect(error).toBeInstanceOf(AnalyticsQueryInvalidError);
    return (error as AnalyticsQueryInvalidError).errors.map((fieldError) => fieldError.field);
  }
  throw new Error('the query was not refused');
}

const aSeries = (overrides: Partial<AnalyticsTimeseriesRequest> = {}): AnalyticsTimeseriesRequest => ({
  ...range,
  metric: 'energyChargedWh',
  window: 'DAY',
  ...overrides,
});

describe('what the rollups can answer', () => {
  it('reads the ALL dimension without a filter, one entity with one, every entity when grouping by it', () => {
    expect(summaryScopeOf(range)).toMatchObject({ dimension: 'ALL', dimensionId: ALL_SESSIONS_ID, groupBy: null });
    expect(summaryScopeOf({ ...range, vehicleId: VEHICLE, groupBy: 'kind' })).toMatchObject({
      dimension: 'VEHICLE',
      dimensionId: VEHICLE,
      groupBy: 'kind',
    });
    expect(summaryScopeOf({ ...range, groupBy: 'station' })).toMatchObject({ dimension: 'STATION', dimensionId: null });
  });

  it('refuses, naming the parameter: from not before to', () => {
    expect(refusedFields(() => summaryScopeOf({ from: range.to, to: range.from }))).toEqual(['from']);
    expect(refusedFields(() => summaryScopeOf({ from: range.from, to: range.from }))).toEqual(['from']);
  });

  it('refuses, naming the parameter: two entity filters, or grouping by another entity than the filtered one', () => {
    expect(refusedFields(() => summaryScopeOf({ ...range, vehicleId: VEHICLE, stationId: STATION }))).toEqual([
      'stationId',
    ]);
    expect(refusedFields(() => summaryScopeOf({ ...range, stationId: STATION, groupBy: 'vehicle' }))).toEqual([
      'groupBy',
    ]);
  });

  it('refuses, naming the parameter: an unknown zone, too many windows, a revenue metric without currency', () => {
    expect(refusedFields(() => seriesQueryOf(aSeries({ tz: 'Europe/Atlantis' })))).toEqual(['tz']);
    expect(
      refusedFields(() =>
        seriesQueryOf(aSeries({ window: 'HOUR', from: '2020-01-01T00:00:00Z', to: '2022-01-01T00:00:00Z' })),
      ),
    ).toEqual(['window']);
    expect(refusedFields(() => seriesQueryOf(aSeries({ metric: 'vat' })))).toEqual(['currency']);
    expect(refusedFields(() => explainQueryOf({ ...range, metric: 'revenueInclVat' }))).toEqual(['currency']);
    expect(refusedFields(() => explainQueryOf({ ...range, metric: 'rides', currency: 'EUR' }))).toEqual(['currency']);
  });

  it('takes UTC as the default zone and a revenue metric with its currency', () => {
    expect(seriesQueryOf(aSeries({ metric: 'vat', currency: 'EUR' }))).toMatchObject({ tz: 'UTC', currency: 'EUR' });
    expect(seriesQueryOf(aSeries()).windows).toHaveLength(31);
  });
});
