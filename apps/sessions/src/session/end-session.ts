import { Inject } from '@nestjs/common';
import type { SessionKind, SessionView } from '@chargeflow/contracts';
import { Battery } from '../fleet/domain/battery';
import { VehicleNotFoundError } from '../fleet/domain/fleet.errors';
import { FLEET_REPOSITORY, type FleetRepository } from '../fleet/domain/fleet.repository';
import { Session } from './domain/session.aggregate';
import { SessionAlreadyFinalizedError, SessionNotFoundError } from './domain/session.errors';
import {
  SESSION_REPOSITORY,
  SESSIONS_DATABASE,
  type SessionRepository,
  type SessionsDatabase,
} from './domain/session.repository';
import { TELEMETRY_SEAL, type TelemetrySeal } from './domain/telemetry-seal';
import { toSessionView } from './session.view';

/**
 * Ends a session through the seal: the request is recorded first, then telemetry closes the ledger
 * and returns its totals and instant, then the session is finalized at that instant with exactly
 * those totals, the vehicle's battery updated and `session.finalized.v1` written to the outbox, all
 * in one transaction. If telemetry does not answer, or this process dies after the seal, the recorded
 * request lets the end reconciler run the end again; the seal being idempotent, every run of an end
 * finalizes the same way. Ending a ride and ending a charge share this flow; each names the kind it ends.
 */
export abstract class EndSessionHandler {
  protected abstract readonly kind: SessionKind;

  constructor(
    @Inject(SESSIONS_DATABASE) private readonly database: SessionsDatabase,
    @Inject(FLEET_REPOSITORY) private readonly fleet: FleetRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(TELEMETRY_SEAL) private readonly telemetry: TelemetrySeal,
  ) {}

  async execute(sessionId: string): Promise<SessionView> {
    const current = await this.sessions.findById(this.database.autocommit, sessionId);
    if (!current || current.kind !== this.kind) {
      throw new SessionNotFoundError(sessionId, this.kind === 'RIDE' ? 'ride' : 'charging session');
    }
    if (current.state === 'FINALIZED') throw new SessionAlreadyFinalizedError(current.id, toSessionView(current));

    await this.sessions.recordEndRequest(this.database.autocommit, sessionId);
    const sealed = await this.telemetry.seal(current);

    return this.database.transaction(async (tx) => {
      const locked = await this.sessions.lockById(tx, sessionId);
      if (!locked) throw new SessionNotFoundError(sessionId);
      if (locked.state === 'FINALIZED') throw new SessionAlreadyFinalizedError(locked.id, toSessionView(locked));

      const session = Session.fromSnapshot(locked);
      session.end(sealed);
      const finalized = session.toSnapshot();
      await this.sessions.saveFinalized(tx, session);

      const vehicle = await this.fleet.vehicle(tx, finalized.vehicleId, true);
      if (!vehicle) throw new VehicleNotFoundError(finalized.vehicleId);
      const battery = Battery.of(vehicle.batteryCapacityWh, vehicle.energyWh).afterSession(
        finalized.kind,
        finalized.totals?.energyWh ?? '0',
      );
      await this.fleet.updateVehicle(tx, { ...vehicle, energyWh: battery.energyWh.toFixed() });
      return toSessionView(finalized);
    });
  }
}
