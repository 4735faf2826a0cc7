import Decimal from 'decimal.js';
import type { EnergySource, SessionKind, SessionState } from '@chargeflow/contracts';
import { ratedEnergyWh, wattHours } from './energy';
import { SessionAlreadyFinalizedError, SessionEndsBeforeStartError } from './session.errors';

/** What a charge keeps of its station and vehicle at start, so later edits cannot change its total. */
export interface ChargeTerms {
  stationId: string;
  ratedPowerW: number;
  metered: boolean;
  timeZone: string;
  freeCapacityWh: string;
}

export interface SessionTotals {
  energyWh: string;
  energySource: EnergySource;
  distanceM: string;
  sampleCount: number;
  durationS: number;
}

export interface SessionSnapshot {
  id: string;
  kind: SessionKind;
  state: SessionState;
  vehicleId: string;
  riderId: string | null;
  charge: ChargeTerms | null;
  startedAt: Date;
  endedAt: Date | null;
  totals: SessionTotals | null;
}

/** What the telemetry ledger fixed at the seal, and when: the session ends at that instant. */
export interface SealedLedger {
  energyWh: string;
  distanceM: string;
  sampleCount: number;
  sealedAt: Date;
}

export type SessionEvent =
  { type: 'SessionStarted'; session: SessionSnapshot } | { type: 'SessionFinalized'; session: SessionSnapshot };

/**
 * A ride or a charge. It starts Active, ends exactly once, and once Finalized its totals are fixed:
 * there is no method that changes a finalized session.
 */
export class Session {
  private readonly events: SessionEvent[] = [];

  private constructor(private snapshot: SessionSnapshot) {}

  static startRide(input: { id: string; vehicleId: string; riderId: string; now: Date }): Session {
    const session = new Session({
      id: input.id,
      kind: 'RIDE',
      state: 'ACTIVE',
      vehicleId: input.vehicleId,
      riderId: input.riderId,
      charge: null,
      startedAt: input.now,
      endedAt: null,
      totals: null,
    });
    session.record('SessionStarted');
    return session;
  }

  static startCharge(input: {
    id: string;
    vehicleId: string;
    riderId?: string | null;
    terms: ChargeTerms;
    now: Date;
  }): Session {
    const session = new Session({
      id: input.id,
      kind: 'CHARGING',
      state: 'ACTIVE',
      vehicleId: input.vehicleId,
      riderId: input.riderId ?? null,
      charge: { ...input.terms },
      startedAt: input.now,
      endedAt: null,
      totals: null,
    });
    session.record('SessionStarted');
    return session;
  }

  static fromSnapshot(snapshot: SessionSnapshot): Session {
    return new Session({ ...snapshot });
  }

  get id(): string {
    return this.snapshot.id;
  }

  get isFinalized(): boolean {
    return this.snapshot.state === 'FINALIZED';
  }

  /**
   * Ends the session at the seal, with the ledger's sealed totals: however often and however late the
   * end is run, the seal fixes its end time and totals. A ride and a metered charge take the sealed
   * energy; an unmetered charge takes its station's rated power over the elapsed time.
   */
  end(ledger: SealedLedger): void {
    const { id, startedAt, charge } = this.snapshot;
    const now = ledger.sealedAt;
    if (this.isFinalized) throw new SessionAlreadyFinalizedError(id, this.toSnapshot());
    if (now.getTime() < startedAt.getTime()) throw new SessionEndsBeforeStartError(id, startedAt, now);

    const elapsedMs = now.getTime() - startedAt.getTime();
    const rated = charge !== null && !charge.metered;
    const energy = rated
      ? ratedEnergyWh(charge.ratedPowerW, elapsedMs, charge.freeCapacityWh)
      : wattHours(ledger.energyWh);
    this.snapshot = {
      ...this.snapshot,
      state: 'FINALIZED',
      endedAt: now,
      totals: {
        energyWh: energy.toFixed(),
        energySource: rated ? 'RATED_POWER' : 'TELEMETRY',
        distanceM: new Decimal(ledger.distanceM).toFixed(),
        sampleCount: ledger.sampleCount,
        durationS: Math.floor(elapsedMs / 1000),
      },
    };
    this.record('SessionFinalized');
  }

  /** The events this instance recorded since it was loaded, handed over once. */
  pullEvents(): SessionEvent[] {
    return this.events.splice(0, this.events.length);
  }

  toSnapshot(): SessionSnapshot {
    return {
      ...this.snapshot,
      charge: this.snapshot.charge && { ...this.snapshot.charge },
      totals: this.snapshot.totals && { ...this.snapshot.totals },
    };
  }

  private record(type: SessionEvent['type']): void {
    this.events.push({ type, session: this.toSnapshot() });
  }
}
