import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BillingCalculatedV2, SessionFinalizedV1 } from '@chargeflow/contracts';
import { batchEffects, type ArrivingFact } from '../domain/contribution';
import {
  addToRollups,
  findBillings,
  findSessions,
  insertSessions,
  lockForEvents,
  recordApplied,
  targetsOf,
  upsertBillings,
  type BillingFactRow,
  type ProjectionTarget,
  type SessionFactRow,
} from '../infrastructure/projection.store';

/** Ids (in lower case) as PostgreSQL orders uuids: by their hexadecimal text. */
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An event the projection takes, as its consumer admitted it. */
export type ProjectionEvent =
  | { type: 'session-finalized'; payload: SessionFinalizedV1; occurredAt: string }
  | { type: 'billing-calculated'; payload: BillingCalculatedV2; occurredAt: string };

/** Ids in lower case, as PostgreSQL gives them back, so a rollup row has one key whichever way it came. */
export function sessionFactOf(event: SessionFinalizedV1): SessionFactRow {
  return {
    sessionId: event.sessionId.toLowerCase(),
    kind: event.kind,
    vehicleId: event.vehicleId.toLowerCase(),
    // As the rollups count them: a rider for rides, a station for charges, whatever else an event carries.
    riderId: event.riderId?.toLowerCase() ?? null,
    stationId: event.kind === 'CHARGING' ? (event.stationId?.toLowerCase() ?? null) : null,
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
    sessionId: event.sessionId.toLowerCase(),
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
 * each other. Then, per schema, a handful of statements whatever the batch's size: the facts the
 * batch's sessions already have are read, the events are applied to them in memory (batchEffects, the
 * rules of one event at a time), and the new facts and the rollups' contributions are written, one
 * statement per table. While a rebuild runs, its schema takes the events too, so nothing applied
 * meanwhile is lost: its facts at once, and once the rebuild counts its rollups, the contributions
 * against its own facts.
 */
@Injectable()
export class ApplyEventHandler {
  async apply(manager: EntityManager, events: ProjectionEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.applyFacts(
      manager,
      events.map((event) =>
        event.type === 'session-finalized'
          ? { session: sessionFactOf(event.payload) }
          : { billing: billingFactOf(event.payload) },
      ),
      events.map((event) => event.occurredAt).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)),
    );
  }

  /** The facts of events, in their order, the newest of which occurred at `newestOccurredAt`. */
  private async applyFacts(manager: EntityManager, arrived: Fact[], newestOccurredAt: string): Promise<void> {
    // In session order, as every writer of facts and rollups goes, so two batches never wait on each
    // other in a circle; a stable sort keeps each session's own facts in their order.
    const facts = [...arrived].sort((a, b) => compareIds(sessionIdOf(a), sessionIdOf(b)));
    await lockForEvents(manager, facts.map(sessionIdOf));
    for (const target of await targetsOf(manager)) await applyTo(manager, target, facts);
    await recordApplied(manager, newestOccurredAt);
  }
}

type Fact = ArrivingFact<SessionFactRow, BillingFactRow>;

async function applyTo(manager: EntityManager, { schema, rollups }: ProjectionTarget, facts: Fact[]): Promise<void> {
  if (!rollups) {
    // A rebuild still copying facts: no contribution to count, and its copy writes these tables too.
    await insertSessions(
      manager,
      schema,
      facts.flatMap((fact) => ('session' in fact ? [fact.session] : [])),
    );
    await upsertBillings(
      manager,
      schema,
      facts.flatMap((fact) => ('billing' in fact ? [fact.billing] : [])),
    );
    return;
  }
  const ids = [...new Set(facts.map(sessionIdOf))];
  const sessions = new Map((await findSessions(manager, schema, ids)).map((row) => [row.sessionId, row]));
  const billings = new Map((await findBillings(manager, schema, ids)).map((row) => [row.sessionId, row]));
  const effects = batchEffects(facts, sessions, billings);
  const inserted = await insertSessions(manager, schema, effects.inserted);
  const stored = await upsertBillings(manager, schema, effects.stored);
  // Only this batch writes these sessions' facts while it holds their locks: the database must agree.
  if (!sameIds(inserted, effects.inserted) || !sameIds(stored, effects.stored))
    throw new Error(`the facts of ${schema} changed under the sessions' locks; the batch is retried`);
  if (effects.contribution.rollups.length > 0 || effects.contribution.revenue.length > 0)
    await addToRollups(manager, rollups, effects.contribution);
}

const sessionIdOf = (fact: Fact): string => ('session' in fact ? fact.session : fact.billing).sessionId;

function sameIds(written: string[], expected: { sessionId: string }[]): boolean {
  const wanted = new Set(expected.map((fact) => fact.sessionId));
  return written.length === wanted.size && written.every((id) => wanted.has(id));
}
