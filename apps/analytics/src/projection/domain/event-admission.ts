import type { BillingCalculatedV2, SessionFinalizedV1 } from '@chargeflow/contracts';

/** An instant that names its offset: without one, where it falls would depend on the host's zone. */
const WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * What a finalized session's contract lets through but the projection's facts forbid, or null when
 * it may be applied: instants without an offset, an end before the start, negative energy or distance.
 * Refused with this reason instead of failing in the database and retrying to the delivery limit.
 */
export function finalizedSessionRefusal(
  event: Pick<SessionFinalizedV1, 'startedAt' | 'endedAt' | 'energyWh' | 'distanceM'>,
): string | null {
  const instants = instantsRefusal(event);
  if (instants) return instants;
  if (Date.parse(event.endedAt) < Date.parse(event.startedAt)) return 'endedAt lies before startedAt';
  if (event.energyWh.startsWith('-') || event.distanceM.startsWith('-')) {
    return 'energyWh and distanceM cannot be negative';
  }
  return null;
}

/** What a billing event's contract lets through but the projection forbids, or null. */
export function billingRefusal(event: Pick<BillingCalculatedV2, 'startedAt' | 'endedAt'>): string | null {
  return instantsRefusal(event);
}

/**
 * Instants the projection can place: with an offset, and in a form JavaScript reads (ISO 8601 also
 * allows basic and week dates, which Date.parse does not, and which would fail the batch later).
 */
function instantsRefusal(event: { startedAt: string; endedAt: string }): string | null {
  if (!WITH_OFFSET.test(event.startedAt) || !WITH_OFFSET.test(event.endedAt)) {
    return 'startedAt and endedAt must name their offset';
  }
  if (Number.isNaN(Date.parse(event.startedAt)) || Number.isNaN(Date.parse(event.endedAt))) {
    return 'startedAt and endedAt must be extended ISO 8601 dates and times';
  }
  return null;
}
