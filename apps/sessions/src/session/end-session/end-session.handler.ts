import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EndSessionRequest, SessionView } from '@chargeflow/contracts';
import { Battery } from '../../fleet/domain/battery';
import { VehicleNotFoundError } from '../../fleet/domain/fleet.errors';
import { FleetRepository } from '../../fleet/infrastructure/fleet.repository';
import { Session } from '../domain/session.aggregate';
import { SessionAlreadyFinalizedError, SessionNotFoundError } from '../domain/session.errors';
import { SessionRepository } from '../infrastructure/session.repository';
import { publishSessionEvents } from '../session-events.outbox';
import { toSessionView } from '../session.view';
import { TelemetrySealClient } from './telemetry-seal.client';

/**
 * Ends a session through the seal: telemetry closes the ledger and returns its totals, then the
 * session is finalized with exactly those totals, the vehicle's battery updated and
 * `session.finalized.v1` written to the outbox, all in one transaction. If telemetry does not answer,
 * nothing changes; because the seal is idempotent, ending again completes the same end.
 */
@Injectable()
export class EndSessionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: FleetRepository,
    private readonly sessions: SessionRepository,
    private readonly telemetry: TelemetrySealClient,
  ) {}

  async execute(request: EndSessionRequest): Promise<SessionView> {
    const current = await this.sessions.findById(this.dataSource.manager, request.sessionId);
    if (!current || current.kind !== request.kind) {
      throw new SessionNotFoundError(request.sessionId, request.kind === 'RIDE' ? 'ride' : 'charging session');
    }
    if (current.state === 'FINALIZED') throw new SessionAlreadyFinalizedError(current.id, toSessionView(current));

    const sealed = await this.telemetry.seal(current);

    return this.dataSource.transaction(async (manager) => {
      const locked = await this.sessions.lockById(manager, request.sessionId);
      if (!locked) throw new SessionNotFoundError(request.sessionId);
      if (locked.state === 'FINALIZED') throw new SessionAlreadyFinalizedError(locked.id, toSessionView(locked));

      const session = Session.fromSnapshot(locked);
      session.end(sealed, new Date());
      const finalized = session.toSnapshot();
      await this.sessions.saveFinalized(manager, finalized);

      const vehicle = await this.fleet.vehicle(manager, finalized.vehicleId, true);
      if (!vehicle) throw new VehicleNotFoundError(finalized.vehicleId);
      const battery = Battery.of(vehicle.batteryCapacityWh, vehicle.energyWh).afterSession(
        finalized.kind,
        finalized.totals?.energyWh ?? '0',
      );
      await this.fleet.updateVehicle(manager, { ...vehicle, energyWh: battery.energyWh.toFixed() });

      await publishSessionEvents(manager, session.pullEvents());
      return toSessionView(finalized);
    });
  }
}
