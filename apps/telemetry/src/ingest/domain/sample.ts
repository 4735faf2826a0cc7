import { hash } from 'node:crypto';
import Decimal from 'decimal.js';
import { SAMPLE_LIMITS, type RejectionReason } from '@chargeflow/contracts';

/** A sample that passed every check that needs no database: well formed, typed, within bounds. */
export interface Sample {
  telemetryId: string;
  sessionId: string;
  source: 'VEHICLE' | 'STATION';
  deviceId: string;
  emittedAt: Date;
  /** The increment in Wh; null for a meter reading until the ledger turns it into one. */
  energyWh: string | null;
  meterWh: string | null;
  distanceM: string | null;
  speedKmh: string | null;
  batteryLevelWh: string | null;
  seq: number | null;
  /** Identifies the content: the same telemetryId with another hash is a conflict, not a duplicate. */
  contentHash: string;
}

export interface Refusal {
  reason: RejectionReason;
  detail: string;
  telemetryId: string | null;
  sessionId: string | null;
  deviceId: string | null;
}

export type Parsed = { sample: Sample } | { refusal: Refusal };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const PLAIN_MILLI = /^\d+(\.\d{1,3})?$/;
const FIELDS = new Set([
  'telemetryId',
  'sessionId',
  'vehicleId',
  'stationId',
  'emittedAt',
  'energyWh',
  'meterWh',
  'distanceM',
  'speedKmh',
  'batteryLevelWh',
  'seq',
]);

class Refused extends Error {
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function uuid(body: Record<string, unknown>, field: string, required: boolean): string | null {
  const value = body[field];
  if (value === undefined && !required) return null;
  if (typeof value !== 'string' || !UUID.test(value)) throw new Refused('SCHEMA_VIOLATION', `${field} must be a UUID`);
  return value.toLowerCase();
}

function quantity(body: Record<string, unknown>, field: string, max: number): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number') throw new Refused('SCHEMA_VIOLATION', `${field} must be a number`);
  if (!Number.isFinite(value) || value < 0 || value > max)
    throw new Refused('VALUE_OUT_OF_RANGE', `${field} must be between 0 and ${max}`);
  const written = String(value);
  // Most devices send at most three decimals: their shortest form is already exact; only rounding needs Decimal.
  return PLAIN_MILLI.test(written)
    ? written
    : new Decimal(written).toDecimalPlaces(3, Decimal.ROUND_HALF_EVEN).toFixed();
}

/**
 * Checks a device message without touching the database. Everything refused here is refused for
 * good, with the reason a device operator can act on.
 */
export function parseSample(content: Buffer | string, now: Date, routingKey?: string): Parsed {
  if (Buffer.byteLength(content) > SAMPLE_LIMITS.maxMessageBytes) {
    return {
      refusal: {
        reason: 'MESSAGE_TOO_LARGE',
        detail: `the message is larger than ${SAMPLE_LIMITS.maxMessageBytes} bytes`,
        telemetryId: null,
        sessionId: null,
        deviceId: null,
      },
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(typeof content === 'string' ? content : content.toString('utf8'));
  } catch {
    return {
      refusal: {
        reason: 'MALFORMED_JSON',
        detail: 'the message is not valid JSON',
        telemetryId: null,
        sessionId: null,
        deviceId: null,
      },
    };
  }
  const record =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const known = {
    telemetryId: record ? text(record.telemetryId) : null,
    sessionId: record ? text(record.sessionId) : null,
    deviceId: record ? (text(record.vehicleId) ?? text(record.stationId)) : null,
  };
  try {
    if (!record) throw new Refused('SCHEMA_VIOLATION', 'the message must be a JSON object');
    return { sample: toSample(record, now, routingKey) };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return { refusal: { reason: error.reason, detail: error.message, ...known } };
  }
}

function toSample(body: Record<string, unknown>, now: Date, routingKey?: string): Sample {
  for (const field in body) {
    if (!FIELDS.has(field)) {
      const unknown = Object.keys(body).filter((name) => !FIELDS.has(name));
      throw new Refused('SCHEMA_VIOLATION', `unknown fields: ${unknown.join(', ')}`);
    }
  }
  const telemetryId = uuid(body, 'telemetryId', true) as string;
  const sessionId = uuid(body, 'sessionId', true) as string;
  const vehicleId = uuid(body, 'vehicleId', false);
  const stationId = uuid(body, 'stationId', false);
  if ((vehicleId === null) === (stationId === null))
    throw new Refused('SCHEMA_VIOLATION', 'exactly one of vehicleId and stationId is required');
  const source = vehicleId ? 'VEHICLE' : 'STATION';
  const deviceId = (vehicleId ?? stationId) as string;
  if (routingKey && routingKey !== `${source === 'VEHICLE' ? 'sample' : 'meter'}.${deviceId}`) {
    throw new Refused(
      'DEVICE_MISMATCH',
      `routing key ${routingKey} does not match the sample's ${source === 'VEHICLE' ? 'vehicleId' : 'stationId'}`,
    );
  }

  const emittedAt = instant(text(body.emittedAt));
  if (emittedAt.getTime() > now.getTime() + SAMPLE_LIMITS.maxFutureSkewMs)
    throw new Refused('VALUE_OUT_OF_RANGE', 'emittedAt is in the future');

  const energyWh = quantity(body, 'energyWh', SAMPLE_LIMITS.maxEnergyWh);
  const meterWh = quantity(body, 'meterWh', SAMPLE_LIMITS.maxMeterWh);
  if ((energyWh === null) === (meterWh === null))
    throw new Refused('SCHEMA_VIOLATION', 'exactly one of energyWh and meterWh is required');
  if (meterWh !== null && source === 'VEHICLE')
    throw new Refused('SCHEMA_VIOLATION', 'meterWh is for chargers; vehicles send energyWh');

  const seqValue = body.seq;
  if (seqValue !== undefined && (typeof seqValue !== 'number' || !Number.isSafeInteger(seqValue) || seqValue < 0)) {
    throw new Refused('SCHEMA_VIOLATION', 'seq must be a non-negative integer');
  }
  if (meterWh !== null && seqValue === undefined)
    throw new Refused('SCHEMA_VIOLATION', 'a meter reading needs its seq: readings are ordered by it, not by arrival');
  const sample: Sample = {
    telemetryId,
    sessionId,
    source,
    deviceId,
    emittedAt,
    energyWh,
    meterWh,
    distanceM: quantity(body, 'distanceM', SAMPLE_LIMITS.maxDistanceM),
    speedKmh: quantity(body, 'speedKmh', SAMPLE_LIMITS.maxSpeedKmh),
    batteryLevelWh: quantity(body, 'batteryLevelWh', SAMPLE_LIMITS.maxBatteryLevelWh),
    seq: (seqValue as number | undefined) ?? null,
    contentHash: '',
  };
  sample.contentHash = hashOf(sample);
  return sample;
}

/** An ISO 8601 instant with a zone whose calendar date and time exist (no 2026-02-31, no 24:00). */
function instant(written: string | null): Date {
  const parts = written ? ISO_INSTANT.exec(written) : null;
  if (!written || !parts)
    throw new Refused('SCHEMA_VIOLATION', 'emittedAt must be an ISO 8601 instant with a time zone');
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day ||
    calendar.getUTCHours() !== hour ||
    calendar.getUTCMinutes() !== minute ||
    calendar.getUTCSeconds() !== second ||
    Number.isNaN(Date.parse(written))
  )
    throw new Refused('SCHEMA_VIOLATION', `emittedAt ${written} is not a date that exists`);
  return new Date(written);
}

function hashOf(sample: Sample): string {
  const canonical = [
    sample.telemetryId,
    sample.sessionId,
    sample.source,
    sample.deviceId,
    sample.emittedAt.toISOString(),
    sample.energyWh,
    sample.meterWh,
    sample.distanceM,
    sample.speedKmh,
    sample.batteryLevelWh,
    sample.seq,
  ].join('|');
  return hash('sha256', canonical, 'base64url');
}
