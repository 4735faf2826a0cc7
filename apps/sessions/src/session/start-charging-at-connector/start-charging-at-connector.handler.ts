import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StartChargingAtConnectorCommand, StartedAtConnectorView } from '@chargeflow/contracts';
import { FLEET_REPOSITORY, type FleetRepository } from '../../fleet/domain/fleet.repository';
import { TokenRepository } from '../../fleet/infrastructure/token.repository';
import { SESSIONS_DATABASE, type SessionsDatabase } from '../domain/session.repository';
import { StartChargingHandler } from '../start-charging/start-charging.handler';

/**
 * An OCPP StartTransaction in one request instead of three (authorize the idTag, find the connector's
 * station, start the charge): the token must be live, the connector linked to a station, and the
 * charge then starts under the rules of any other, for the token's vehicle and rider.
 */
@Injectable()
export class StartChargingAtConnectorHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SESSIONS_DATABASE) private readonly database: SessionsDatabase,
    @Inject(FLEET_REPOSITORY) private readonly fleet: FleetRepository,
    private readonly tokens: TokenRepository,
    private readonly startCharging: StartChargingHandler,
  ) {}

  async execute(command: StartChargingAtConnectorCommand): Promise<StartedAtConnectorView> {
    const token = await this.tokens.byIdTag(this.dataSource.manager, command.idTag);
    if (!token) return { status: 'Invalid', session: null };
    if (token.revokedAt) return { status: 'Blocked', session: null };
    const station = await this.fleet.stationByConnector(
      this.database.autocommit,
      command.chargePointId,
      command.connectorId,
    );
    if (!station) return { status: 'Invalid', session: null };
    const session = await this.startCharging.execute({
      id: command.id,
      vehicleId: token.vehicleId,
      stationId: station.id,
      riderId: token.riderId,
    });
    return { status: 'Accepted', session };
  }
}
