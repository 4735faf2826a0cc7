import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SessionView, StartChargingCommand } from '@chargeflow/contracts';
import { Battery } from '../../fleet/domain/battery';
import { StationNotFoundError, VehicleNotFoundError } from '../../fleet/domain/fleet.errors';
import { FleetRepository } from '../../fleet/infrastructure/fleet.repository';
import { Session } from '../domain/session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from '../domain/session.errors';
import { SessionRepository } from '../infrastructure/session.repository';
import { publishSessionEvents } from '../session-events.outbox';
import { toSessionView } from '../session.view';
import { saveStartedSession, startedEarlier } from '../start-session';

/** Starts a charge: the vehicle and the station must exist and both be idle. */
@Injectable()
export class StartChargingHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: FleetRepository,
    private readonly sessions: SessionRepository,
  ) {}

  execute(request: StartChargingCommand): Promise<SessionView> {
    return this.dataSource.transaction(async (manager) => {
      // Vehicle first, then station, in every transaction: starts serialize without deadlocking.
      const vehicle = await this.fleet.vehicle(manager, request.vehicleId, true);
      if (!vehicle) throw new VehicleNotFoundError(request.vehicleId);
      const earlier = await startedEarlier(manager, this.sessions, request.id, {
        kind: 'CHARGING',
        vehicleId: vehicle.id,
      });
      if (earlier) return earlier;
      const station = await this.fleet.station(manager, request.stationId, true);
      if (!station) throw new StationNotFoundError(request.stationId);
      const vehicleBusy = await this.sessions.activeSessionOf(manager, 'vehicle_id', vehicle.id);
      if (vehicleBusy) throw new VehicleHasActiveSessionError(vehicle.id, vehicleBusy);
      const stationBusy = await this.sessions.activeSessionOf(manager, 'station_id', station.id);
      if (stationBusy) throw new StationHasActiveSessionError(station.id, stationBusy);

      const charge = Session.startCharge({
        id: request.id ?? randomUUID(),
        vehicleId: vehicle.id,
        now: new Date(),
        terms: {
          stationId: station.id,
          ratedPowerW: station.ratedPowerW,
          metered: station.metered,
          timeZone: station.timeZone,
          freeCapacityWh: Battery.of(vehicle.batteryCapacityWh, vehicle.energyWh).freeCapacityWh.toFixed(),
        },
      });
      await saveStartedSession(manager, this.sessions, charge);
      await publishSessionEvents(manager, charge.pullEvents());
      return toSessionView(charge.toSnapshot());
    });
  }
}
