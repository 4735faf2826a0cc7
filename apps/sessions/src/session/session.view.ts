import type { SessionFinalizedV1, SessionStartedV1, SessionView } from '@chargeflow/contracts';
import type { SessionSnapshot } from './domain/session.aggregate';

/** A session as the API shows it: energy named for what it is, consumed by a ride, delivered by a charge. */
export function toSessionView(session: SessionSnapshot): SessionView {
  const { totals } = session;
  const energy = totals ? Number(totals.energyWh) : null;
  return {
    id: session.id,
    kind: session.kind,
    state: session.state,
    vehicleId: session.vehicleId,
    riderId: session.riderId,
    stationId: session.charge?.stationId ?? null,
    startedAt: session.startedAt.toISOString(),
    endedAt: session.endedAt?.toISOString() ?? null,
    durationS: totals?.durationS ?? null,
    ...(session.kind === 'RIDE' ? { energyConsumedWh: energy } : { energyDeliveredWh: energy }),
    energySource: totals?.energySource ?? null,
    distanceM: totals ? Number(totals.distanceM) : null,
    sampleCount: totals?.sampleCount ?? null,
  };
}

export function toSessionStartedV1(session: SessionSnapshot): SessionStartedV1 {
  return {
    sessionId: session.id,
    kind: session.kind,
    vehicleId: session.vehicleId,
    riderId: session.riderId,
    stationId: session.charge?.stationId ?? null,
    stationMetered: session.charge?.metered ?? null,
    startedAt: session.startedAt.toISOString(),
  };
}

export function toSessionFinalizedV1(session: SessionSnapshot): SessionFinalizedV1 {
  const { totals, endedAt } = session;
  if (!totals || !endedAt) throw new Error(`session ${session.id} is not finalized`);
  return {
    sessionId: session.id,
    kind: session.kind,
    vehicleId: session.vehicleId,
    riderId: session.riderId,
    stationId: session.charge?.stationId ?? null,
    stationTimeZone: session.charge?.timeZone ?? null,
    startedAt: session.startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationS: totals.durationS,
    energyWh: totals.energyWh,
    energySource: totals.energySource,
    distanceM: totals.distanceM,
    sampleCount: totals.sampleCount,
  };
}
