import Decimal from 'decimal.js';
import type { FleetRepository, RiderRecord, StationRecord, VehicleRecord } from '../fleet/domain/fleet.repository';
import type { ActiveSessions } from './domain/one-active-session.policy';
import type { Session, SessionEvent, SessionSnapshot } from './domain/session.aggregate';
import type { SessionKind } from '@chargeflow/contracts';
import type {
  EndingSession,
  PendingEnd,
  SessionRepository,
  SessionsDatabase,
  StartOutcome,
  Transaction,
} from './domain/session.repository';

/**
 * The sessions database in memory, for unit tests of the use cases: vehicles, stations, riders,
 * sessions, and the events written to the outbox. It keeps no locks and rolls nothing back.
 */
export class InMemorySessionsDatabase implements SessionsDatabase, SessionRepository, FleetRepository {
  readonly vehicles = new Map<string, VehicleRecord>();
  readonly stations = new Map<string, StationRecord>();
  readonly riders = new Map<string, RiderRecord>();
  readonly sessions = new Map<string, SessionSnapshot>();
  readonly outbox: SessionEvent[] = [];
  /** Sessions whose end was requested, in the order asked. */
  readonly endRequests: string[] = [];
  readonly autocommit: Transaction = {};

  constructor(
    given: {
      vehicles?: VehicleRecord[];
      stations?: StationRecord[];
      riders?: RiderRecord[];
      sessions?: Session[];
    } = {},
  ) {
    for (const vehicle of given.vehicles ?? []) this.vehicles.set(vehicle.id, vehicle);
    for (const station of given.stations ?? []) this.stations.set(station.id, station);
    for (const rider of given.riders ?? []) this.riders.set(rider.id, rider);
    for (const session of given.sessions ?? []) this.sessions.set(session.id, session.toSnapshot());
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return work({});
  }

  async findById(_tx: Transaction, id: string): Promise<SessionSnapshot | null> {
    return this.sessions.get(id) ?? null;
  }

  async lockForEnd(_tx: Transaction, id: string): Promise<EndingSession | null> {
    const session = this.sessions.get(id);
    const vehicle = session && this.vehicles.get(session.vehicleId);
    return session && vehicle
      ? { session, battery: { capacityWh: vehicle.batteryCapacityWh, energyWh: vehicle.energyWh } }
      : null;
  }

  async activeSessions(_tx: Transaction, session: SessionSnapshot): Promise<ActiveSessions> {
    const active = [...this.sessions.values()].filter((other) => other.state === 'ACTIVE');
    const station = session.charge?.stationId;
    return {
      onVehicle: active.find((other) => other.vehicleId === session.vehicleId)?.id ?? null,
      atStation: (station && active.find((other) => other.charge?.stationId === station)?.id) || null,
    };
  }

  /**
   * Refuses a start as the table does, in its order: a taken id (the primary key) or an Active session
   * on the vehicle or at the station (the partial unique indexes) first, as ON CONFLICT DO NOTHING
   * skips the row before any foreign key is checked; then an unknown vehicle, rider or station.
   */
  async insertStarted(tx: Transaction, session: Session): Promise<StartOutcome> {
    const snapshot = session.toSnapshot();
    const station = snapshot.charge?.stationId;
    const active = await this.activeSessions(tx, snapshot);
    if (this.sessions.has(snapshot.id) || active.onVehicle || (snapshot.charge && active.atStation)) return 'refused';
    if (
      !this.vehicles.has(snapshot.vehicleId) ||
      (snapshot.riderId && !this.riders.has(snapshot.riderId)) ||
      (station && !this.stations.has(station))
    )
      return 'unknown-party';
    this.save(session);
    return 'started';
  }

  /** Finalizes only an Active session, as the repository's conditional update does, and sets its vehicle's battery. */
  /** Writes only if the session is Active and its vehicle's battery (level and capacity) is what `readFrom` read, as the statement does. */
  async saveFinalized(
    tx: Transaction,
    session: Session,
    vehicleEnergyWh: string,
    readFrom: EndingSession,
  ): Promise<boolean> {
    const now = await this.lockForEnd(tx, session.id);
    const unchanged =
      now?.session.state === 'ACTIVE' &&
      new Decimal(now.battery.energyWh).eq(readFrom.battery.energyWh) &&
      new Decimal(now.battery.capacityWh).eq(readFrom.battery.capacityWh);
    if (!now || !unchanged) return false;
    this.save(session);
    const vehicle = this.vehicles.get(now.session.vehicleId);
    if (vehicle) this.vehicles.set(vehicle.id, { ...vehicle, energyWh: vehicleEnergyWh });
    return true;
  }

  async requestEnd(tx: Transaction, id: string, kind: SessionKind): Promise<EndingSession | null> {
    const ending = await this.lockForEnd(tx, id);
    if (ending?.session.state === 'ACTIVE' && ending.session.kind === kind) this.endRequests.push(id);
    return ending;
  }

  /** Every requested end of a still Active session, whatever the delay: the fake keeps no clock. */
  async claimPendingEnds(_tx: Transaction, _afterMs: number, limit: number): Promise<PendingEnd[]> {
    return [...new Set(this.endRequests)]
      .map((id) => this.sessions.get(id))
      .filter((session) => session?.state === 'ACTIVE')
      .slice(0, limit)
      .map((session) => ({ sessionId: session!.id, kind: session!.kind, correlationId: null }));
  }

  async vehicle(_tx: Transaction, id: string): Promise<VehicleRecord | null> {
    return this.vehicles.get(id) ?? null;
  }

  async station(_tx: Transaction, id: string): Promise<StationRecord | null> {
    return this.stations.get(id) ?? null;
  }

  async stationByConnector(
    _tx: Transaction,
    chargePointId: string,
    connectorId: number,
  ): Promise<StationRecord | null> {
    return (
      [...this.stations.values()].find(
        (station) => station.ocppChargePointId === chargePointId && station.ocppConnectorId === connectorId,
      ) ?? null
    );
  }

  async rider(_tx: Transaction, id: string): Promise<RiderRecord | null> {
    return this.riders.get(id) ?? null;
  }

  async updateVehicle(_tx: Transaction, vehicle: Omit<VehicleRecord, 'activeSessionId' | 'createdAt'>): Promise<void> {
    const stored = this.vehicles.get(vehicle.id);
    if (stored) this.vehicles.set(vehicle.id, { ...stored, ...vehicle });
  }

  private save(session: Session): void {
    this.sessions.set(session.id, session.toSnapshot());
    this.outbox.push(...session.pullEvents());
  }
}
