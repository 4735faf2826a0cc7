import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BillingCalculatedV2, SessionFinalizedV1 } from '@chargeflow/contracts';
import { contributionOf, merged, replacementOf, type Contribution } from '../domain/contribution';
import {
  addToRollups,
  findBilling,
  findSession,
  insertSessions,
  lockForEvents,
  recordApplied,
  targetsOf,
  upsertBillings,
  type BillingFactRow,
  type ProjectionTarget,
  type SessionFactRow,
} from '../infrastructure/projection.store';

/** Ids as PostgreSQL orders uuids: by their lower-case hexadecimal text. */
const compareIds = (a: string, b: string) => {
  const [left, right] = [a.toLowerCase(), b.toLowerCase()];
  return left < right ? -1 : left > right ? 1 : 0;
};

/** An event the projection takes, as its consumer admitted it. */
export type ProjectionEvent =
  | { type: 'session-finalized'; payload: SessionFinalizedV1; occurredAt: string }
  | { type: 'billing-calculated'; payload: BillingCalculatedV2; occurredAt: string };

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
 * Applies events to the projection inside the caller's transaction (the inbox's), in their order.
 * The sessions' locks come first, so a session and its billing applied at once by two instances see
 * each other. Facts are written event by event (a billing may follow its session in the same batch);
 * the rollups take the batch's contributions summed per row, in one statement per table.
 * While a rebuild runs, its schema takes the events too, so nothing applied meanwhile is lost: its
 * facts at once, and once the rebuild counts its rollups, the contributions against its own facts.
 */
@Injectable()
export class ApplyEventHandler {
  async apply(manager: EntityManager, arrived: ProjectionEvent[]): Promise<void> {
    if (arrived.length === 0) return;
    // In session order, as every writer of facts and rollups goes, so two batches never wait on each
    // other in a circle; a stable sort keeps each session's own events in their order.
    const events = [...arrived].sort((a, b) => compareIds(a.payload.sessionId, b.payload.sessionId));
    await lockForEvents(
      manager,
      events.map((event) => event.payload.sessionId),
    );
    for (const target of await targetsOf(manager)) {
      const contributions: Contribution[] = [];
      for (const event of events) {
        const contribution =
          event.type === 'session-finalized'
            ? await this.sessionFinalized(manager, target, event.payload)
            : await this.billingCalculated(manager, target, event.payload);
        if (contribution) contributions.push(contribution);
      }
      if (target.rollups && contributions.length > 0)
        await addToRollups(manager, target.rollups, merged(contributions));
    }
    await recordApplied(
      manager,
      events.map((event) => event.occurredAt).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)),
    );
  }

  private async sessionFinalized(
    manager: EntityManager,
    { schema, rollups }: ProjectionTarget,
    event: SessionFinalizedV1,
  ): Promise<Contribution | null> {
    const fact = sessionFactOf(event);
    const inserted = await insertSessions(manager, schema, [fact]);
    if (!rollups || inserted.length === 0) return null;
    return contributionOf(fact, await findBilling(manager, schema, fact.sessionId));
  }

  private async billingCalculated(
    manager: EntityManager,
    { schema, rollups }: ProjectionTarget,
    event: BillingCalculatedV2,
  ): Promise<Contribution | null> {
    const billing = billingFactOf(event);
    const before = rollups ? await findBilling(manager, schema, billing.sessionId) : null;
    const stored = await upsertBillings(manager, schema, [billing]);
    const session = rollups && stored.length > 0 ? await findSession(manager, schema, billing.sessionId) : null;
    return session ? replacementOf(session, before, billing) : null;
  }
}
