import { parseSample } from './sample';

const NOW = new Date('2026-05-01T12:00:00Z');
const VEHICLE = '11111111-1111-4111-8111-111111111111';
const STATION = '22222222-2222-4222-8222-222222222222';

const aSample = (overrides: Record<string, unknown> = {}) => ({
  telemetryId: '33333333-3333-4333-8333-333333333333',
  sessionId: '44444444-4444-4444-8444-444444444444',
  vehicleId: VEHICLE,
  emittedAt: '2026-05-01T11:59:59.500Z',
  energyWh: 1.25,
  ...overrides,
});

const reasonOf = (body: unknown, routingKey?: string) => {
  const parsed = parseSample(typeof body === 'string' ? body : JSON.stringify(body), NOW, routingKey);
  return 'refusal' in parsed ? parsed.refusal.reason : 'ACCEPTED';
};

describe('parseSample', () => {
  it('accepts a vehicle sample with its optional fields, energy as an exact decimal', () => {
    const parsed = parseSample(
      JSON.stringify(aSample({ distanceM: 12.5, speedKmh: 18, batteryLevelWh: 300, seq: 7, energyWh: 0.1 })),
      NOW,
    );
    expect(parsed).toEqual({
      sample: expect.objectContaining({
        source: 'VEHICLE',
        deviceId: VEHICLE,
        energyWh: '0.1',
        meterWh: null,
        distanceM: '12.5',
        seq: 7,
      }),
    });
  });

  it('accepts a charger meter reading', () => {
    const parsed = parseSample(
      JSON.stringify(
        aSample({ vehicleId: undefined, stationId: STATION, energyWh: undefined, meterWh: 10_500.5, seq: 3 }),
      ),
      NOW,
    );
    expect(parsed).toEqual({
      sample: expect.objectContaining({ source: 'STATION', energyWh: null, meterWh: '10500.5' }),
    });
  });

  it.each([
    ['not JSON', '{"telemetryId":', 'MALFORMED_JSON'],
    ['an array', [], 'SCHEMA_VIOLATION'],
    ['a missing telemetryId', aSample({ telemetryId: undefined }), 'SCHEMA_VIOLATION'],
    ['a sessionId that is no UUID', aSample({ sessionId: 'abc' }), 'SCHEMA_VIOLATION'],
    ['both vehicle and station', aSample({ stationId: STATION }), 'SCHEMA_VIOLATION'],
    ['neither vehicle nor station', aSample({ vehicleId: undefined }), 'SCHEMA_VIOLATION'],
    ['an emittedAt without zone', aSample({ emittedAt: '2026-05-01T11:59:59' }), 'SCHEMA_VIOLATION'],
    ['an emittedAt far in the future', aSample({ emittedAt: '2026-05-01T13:00:00Z' }), 'VALUE_OUT_OF_RANGE'],
    [
      'an emittedAt just over 5 minutes ahead',
      aSample({ emittedAt: '2026-05-01T12:05:00.001Z' }),
      'VALUE_OUT_OF_RANGE',
    ],
    ['an emittedAt on a day that does not exist', aSample({ emittedAt: '2026-02-31T10:00:00Z' }), 'SCHEMA_VIOLATION'],
    ['an emittedAt at an hour that does not exist', aSample({ emittedAt: '2026-05-01T24:00:00Z' }), 'SCHEMA_VIOLATION'],
    [
      'a meter reading without seq',
      aSample({ vehicleId: undefined, stationId: STATION, energyWh: undefined, meterWh: 5 }),
      'SCHEMA_VIOLATION',
    ],
    ['a lone surrogate in telemetryId', aSample({ telemetryId: '\ud800' }), 'SCHEMA_VIOLATION'],
    ['a 3,000-character sessionId', aSample({ sessionId: 'a'.repeat(3_000) }), 'SCHEMA_VIOLATION'],
    ['a message over 64 KiB', `{"pad":"${'x'.repeat(64 * 1024)}"}`, 'MESSAGE_TOO_LARGE'],
    ['energy as a string', aSample({ energyWh: '1.5' }), 'SCHEMA_VIOLATION'],
    ['negative energy', aSample({ energyWh: -0.001 }), 'VALUE_OUT_OF_RANGE'],
    ['energy beyond the bound', aSample({ energyWh: 100_000.001 }), 'VALUE_OUT_OF_RANGE'],
    ['no energy at all', aSample({ energyWh: undefined }), 'SCHEMA_VIOLATION'],
    ['a meter reading from a vehicle', aSample({ energyWh: undefined, meterWh: 5 }), 'SCHEMA_VIOLATION'],
    ['a negative distance', aSample({ distanceM: -1 }), 'VALUE_OUT_OF_RANGE'],
    ['an absurd speed', aSample({ speedKmh: 900 }), 'VALUE_OUT_OF_RANGE'],
    ['a fractional seq', aSample({ seq: 1.5 }), 'SCHEMA_VIOLATION'],
    ['an unknown field', aSample({ temperature: 20 }), 'SCHEMA_VIOLATION'],
  ])('refuses %s', (_what, body, reason) => {
    expect(reasonOf(body)).toBe(reason);
  });

  it('takes an emittedAt up to 5 minutes ahead of its receipt (clock skew)', () => {
    expect(reasonOf(aSample({ emittedAt: '2026-05-01T12:05:00.000Z' }))).toBe('ACCEPTED');
  });

  it('refuses a sample whose routing key names another device', () => {
    expect(reasonOf(aSample(), `sample.${VEHICLE}`)).toBe('ACCEPTED');
    expect(reasonOf(aSample(), `sample.${STATION}`)).toBe('DEVICE_MISMATCH');
  });

  it('keeps what it could read of a refused sample, for the rejection record', () => {
    const parsed = parseSample(JSON.stringify(aSample({ energyWh: -1 })), NOW);
    expect(parsed).toEqual({
      refusal: expect.objectContaining({
        telemetryId: aSample().telemetryId,
        sessionId: aSample().sessionId,
        deviceId: VEHICLE,
      }),
    });
  });

  it('gives the same content the same hash, and other content another', () => {
    const hash = (body: object) =>
      'sample' in parseSample(JSON.stringify(body), NOW)
        ? (parseSample(JSON.stringify(body), NOW) as { sample: { contentHash: string } }).sample.contentHash
        : '';
    expect(hash(aSample())).toBe(hash(aSample()));
    expect(hash(aSample({ energyWh: 1.26 }))).not.toBe(hash(aSample()));
  });
});
