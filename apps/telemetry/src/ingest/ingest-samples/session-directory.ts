import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FleetRpc, SessionRpc, type RpcReply, type SessionView, type StationView } from '@chargeflow/contracts';
import { RpcClient, RpcUnavailableError } from '@chargeflow/messaging';
import { LedgerRepository } from '../../ledger/ledger.repository';

/** How long the answer "no such Active session" is kept: random ids cost one lookup per id per minute. */
export const UNKNOWN_SESSION_TTL_MS = 60_000;
const MAX_REMEMBERED = 100_000;
const LOOKUP_TIMEOUT_MS = 2_000;
/** After a lookup went unanswered, the next ones are not even tried for this long: batches keep flowing. */
const UNREACHABLE_PAUSE_MS = 5_000;

/**
 * When a sample arrives before `session.started.v1`, asks the sessions service about the session and
 * opens its ledger if it is active. Sessions it does not know stay unknown and their samples are refused;
 * sessions it could not answer for (an outage) are reported, so only their samples wait.
 */
@Injectable()
export class SessionDirectory {
  private readonly unknownUntil = new Map<string, number>();
  private unreachableUntil = 0;
  /** Lookups made, for the one-lookup-per-minute promise. */
  lookups = 0;

  constructor(
    private readonly rpc: RpcClient,
    private readonly ledger: LedgerRepository,
  ) {}

  /** Opens the ledgers of the Active sessions among `sessionIds`; resolves the ids no one could answer for. */
  async openLedgers(manager: EntityManager, sessionIds: string[], correlationId: string): Promise<Set<string>> {
    const unanswered = new Set<string>();
    const now = Date.now();
    await Promise.all(
      sessionIds.map(async (sessionId) => {
        if ((this.unknownUntil.get(sessionId) ?? 0) > now) return;
        if (this.unreachableUntil > now) {
          unanswered.add(sessionId);
          return;
        }
        this.lookups += 1;
        const reply = await this.ask<SessionView>(SessionRpc.get, { sessionId }, correlationId);
        if (!reply) return this.unreachable(sessionId, unanswered);
        if (!reply.ok) {
          if (reply.error.kind === 'NOT_FOUND') this.remember(sessionId, now);
          else this.unreachable(sessionId, unanswered);
          return;
        }
        const session = reply.data;
        if (session.state !== 'ACTIVE') {
          this.remember(sessionId, now);
          return;
        }
        let stationMetered: boolean | null = null;
        if (session.stationId) {
          // The session view does not say whether its charge is metered: the station does.
          const station = await this.ask<StationView>(FleetRpc.getStation, { id: session.stationId }, correlationId);
          if (!station?.ok) return this.unreachable(sessionId, unanswered);
          stationMetered = station.data.metered;
        }
        await this.ledger.open(manager, {
          sessionId: session.id,
          kind: session.kind,
          vehicleId: session.vehicleId,
          stationId: session.stationId,
          startedAt: session.startedAt,
          stationMetered,
        });
      }),
    );
    return unanswered;
  }

  /** The sessions service's reply, or null when it did not answer in time. */
  private async ask<T>(pattern: string, payload: object, correlationId: string): Promise<RpcReply<T> | null> {
    try {
      return await this.rpc.request<T>('sessions', pattern, payload, { correlationId, timeoutMs: LOOKUP_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof RpcUnavailableError) return null;
      throw error;
    }
  }

  private unreachable(sessionId: string, unanswered: Set<string>): void {
    unanswered.add(sessionId);
    this.unreachableUntil = Date.now() + UNREACHABLE_PAUSE_MS;
  }

  private remember(sessionId: string, now: number): void {
    this.unknownUntil.delete(sessionId);
    this.unknownUntil.set(sessionId, now + UNKNOWN_SESSION_TTL_MS);
    // Insertion order is age order: forget the oldest answer first.
    if (this.unknownUntil.size > MAX_REMEMBERED)
      this.unknownUntil.delete(this.unknownUntil.keys().next().value as string);
  }
}
