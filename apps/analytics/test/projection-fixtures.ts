import { randomUUID } from 'node:crypto';
import type { BillingCalculatedV2, SessionFinalizedV1 } from '@chargeflow/contracts';

/** A finalized ride as session.finalized.v1 carries it. */
export function aFinalizedRide(overrides: Partial<SessionFinalizedV1> = {}): SessionFinalizedV1 {
  return {
    sessionId: randomUUID(),
    kind: 'RIDE',
    vehicleId: randomUUID(),
    riderId: randomUUID(),
    stationId: null,
    stationTimeZone: null,
    startedAt: '2026-11-30T10:00:00.000Z',
    endedAt: '2026-11-30T10:20:00.000Z',
    durationS: 1200,
    energyWh: '120.5',
    energySource: 'TELEMETRY',
    distanceM: '3000.25',
    sampleCount: 3,
    ...overrides,
  };
}

export function aFinalizedCharge(overrides: Partial<SessionFinalizedV1> = {}): SessionFinalizedV1 {
  return aFinalizedRide({
    kind: 'CHARGING',
    riderId: null,
    stationId: randomUUID(),
    stationTimeZone: 'Europe/Berlin',
    distanceM: '0',
    ...overrides,
  });
}

/** The billing of a session, PRICED unless told otherwise. */
export function aBilling(
  session: SessionFinalizedV1,
  overrides: Partial<BillingCalculatedV2> = {},
): BillingCalculatedV2 {
  return {
    sessionId: session.sessionId,
    revision: 1,
    status: 'PRICED',
    reason: null,
    kind: session.kind,
    vehicleId: session.vehicleId,
    riderId: session.riderId,
    stationId: session.stationId,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    tariffId: randomUUID(),
    tariffVersion: 1,
    engineVersion: '1',
    currency: 'EUR',
    totalExclVat: '10.00',
    totalVat: '1.90',
    totalInclVat: '11.90',
    inputHash: 'hash',
    ...overrides,
  };
}

export function anUnpricedBilling(session: SessionFinalizedV1, revision = 1): BillingCalculatedV2 {
  return aBilling(session, {
    revision,
    status: 'UNPRICED',
    reason: 'NO_TARIFF',
    tariffId: null,
    tariffVersion: null,
    engineVersion: null,
    currency: null,
    totalExclVat: null,
    totalVat: null,
    totalInclVat: null,
    inputHash: null,
  });
}
