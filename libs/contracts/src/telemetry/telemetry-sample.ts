/**
 * What a vehicle or a charger publishes to the `telemetry` exchange, one JSON object per message,
 * persistent, content type application/json. Routing key `sample.<vehicleId>` for vehicles and
 * `meter.<stationId>` for chargers (see docs/asyncapi.yaml).
 */
export interface TelemetrySampleMessage {
  /** Client-generated UUID: the idempotency key of the sample. */
  telemetryId: string;
  sessionId: string;
  /** Vehicles: the sending vehicle. */
  vehicleId?: string;
  /** Chargers: the sending station. */
  stationId?: string;
  emittedAt: string;
  /** Energy since the previous sample, in Wh. */
  energyWh?: number;
  /** Chargers may send their cumulative meter reading instead of an increment. */
  meterWh?: number;
  /** Distance since the previous sample, in metres. */
  distanceM?: number;
  speedKmh?: number;
  batteryLevelWh?: number;
  seq?: number;
}

export const TELEMETRY_ROUTING = {
  vehicleSample: (vehicleId: string) => `sample.${vehicleId}`,
  stationMeter: (stationId: string) => `meter.${stationId}`,
  allVehicleSamples: 'sample.*',
  allStationMeters: 'meter.*',
} as const;

/** Upper bounds that keep a broken device from inflating a session: one sample, one reading. */
export const SAMPLE_LIMITS = {
  maxEnergyWh: 100_000,
  maxMeterWh: 1_000_000_000,
  maxDistanceM: 100_000,
  maxSpeedKmh: 500,
  maxBatteryLevelWh: 10_000_000,
  maxSeq: Number.MAX_SAFE_INTEGER,
  /** Samples from further in the future than this are refused (clock skew allowance). */
  maxFutureSkewMs: 5 * 60_000,
  /** A message larger than this is refused before it is parsed. */
  maxMessageBytes: 64 * 1024,
  /** Ids (telemetry, session, device) longer than this are never stored as such. */
  maxIdLength: 128,
  /** The largest session total: numeric(14,3), the precision of the ledger and of the session. */
  maxTotal: '99999999999.999',
} as const;

/** Why a sample was refused; every rejection is stored and published with one of these. */
export const RejectionReasons = [
  'MALFORMED_JSON',
  'SCHEMA_VIOLATION',
  'VALUE_OUT_OF_RANGE',
  'SESSION_UNKNOWN',
  'SESSION_FINALIZED',
  'DEVICE_MISMATCH',
  'TELEMETRY_ID_CONFLICT',
  'METER_WENT_BACKWARDS',
  'MESSAGE_TOO_LARGE',
  'EMITTED_BEFORE_SESSION_START',
  'TOTAL_OUT_OF_RANGE',
  'UNSTORABLE',
] as const;

export type RejectionReason = (typeof RejectionReasons)[number];
