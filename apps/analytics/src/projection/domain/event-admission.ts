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
  if (!WITH_OFFSET.test(event.startedAt) || !WITH_OFFSET.test(event.endedAt)) {
    return 'startedAt and endedAt must name their offset';
  }
  if (Date.parse(event.endedAt) < Date.parse(event.startedAt)) return 'endedAt lies before startedAt';
  if (event.energyWh.startsWith('-') || event.distanceM.startsWith('-')) {
    return 'energyWh and distanceM cannot be negative';
  }
  return null;
}

/** What a billing event's contract lets through but the projection forbids, or null. */
export function billingRefusal(event: Pick<BillingCalculatedV2, 'startedAt' | 'endedAt'>): string | null {
  if (!WITH_OFFSET.test(event.startedAt) || !WITH_OFFSET.test(event.endedAt)) {
    return 'startedAt and endedAt must name their offset';
  }
  return null;
}
