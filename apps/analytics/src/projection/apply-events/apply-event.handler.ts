import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BillingCalculatedV2, SessionFinalizedV1 } from '@chargeflow/contracts';
import { contributionOf, replacementOf } from '../domain/contribution';
import {
  addToRollups,
  findBilling,
  findSession,
  insertSessions,
  lockForEvent,
  recordApplied,
  targetsOf,
  upsertBillings,
  type BillingFactRow,
  type SessionFactRow,
} from '../infrastructure/projection.store';

export function sessionFactOf(event: SessionFinalizedV1): SessionFactRow {
  return {
    sessionId: event.sessionId,
    kind: event.kind,
    vehicleId: event.vehicleId,
    // As the rollups count them: a rider for rides, a station for charges, whatever else an event carries.
    riderId: event.riderId ?? null,
    stationId: event.kind === 'CHARGING' ? (event.stationId ?? null) : null,
    startedAt: new Date(event.startedAt),
    endedAt: new Date(event.endedAt),
    durationS: event.durationS,
    energyWh: event.energyWh,
    distanceM: event.distanceM,
  };
}

export function billingFactOf(event: BillingCalculatedV2): BillingFactRow {
  const priced = event.status === 'PRICED';
  return {
    sessionId: event.sessionId,
    revision: event.revision,
    status: event.status,
    currency: priced ? event.currency : null,
    totalExclVat: priced ? event.totalExclVat : null,
    totalVat: priced ? event.totalVat : null,
    totalInclVat: priced ? event.totalInclVat : null,
  };
}

/**
 * Applies one event to the projection inside the caller's transaction (the inbox's). The session's
 * lock comes first, so a session and its billing applied at once by two instances see each other.
 * While a rebuild runs, its schema takes the event too, so nothing applied meanwhile is lost: its
 * facts at once, and once the rebuild counts its rollups, the contribution against its own facts.
 */
@Injectable()
export class ApplyEventHandler {
  async sessionFinalized(manager: EntityManager, event: SessionFinalizedV1, occurredAt: string): Promise<void> {
    await lockForEvent(manager, event.sessionId);
    const fact = sessionFactOf(event);
    for (const { schema, rollups } of await targetsOf(manager)) {
      const inserted = await insertSessions(manager, schema, [fact]);
      if (rollups && inserted.length > 0)
        await addToRollups(manager, rollups, contributionOf(fact, await findBilling(manager, schema, fact.sessionId)));
    }
    await recordApplied(manager, occurredAt);
  }

  async billingCalculated(manager: EntityManager, event: BillingCalculatedV2, occurredAt: string): Promise<void> {
    await lockForEvent(manager, event.sessionId);
    const billing = billingFactOf(event);
    for (const { schema, rollups } of await targetsOf(manager)) {
      const before = rollups ? await findBilling(manager, schema, billing.sessionId) : null;
      const stored = await upsertBillings(manager, schema, [billing]);
      const session = rollups && stored.length > 0 ? await findSession(manager, schema, billing.sessionId) : null;
      if (rollups && session) await addToRollups(manager, rollups, replacementOf(session, before, billing));
    }
    await recordApplied(manager, occurredAt);
  }
}
