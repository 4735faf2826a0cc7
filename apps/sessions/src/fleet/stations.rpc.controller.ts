import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import {
  ByIdRequest,
  ConnectorRef,
  CreateStationCommand,
  FleetRpc,
  ListRequest,
  UpdateStationRequest,
  type Page,
  type StationView,
} from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { ConnectorAlreadyLinkedError, StationNotFoundError } from './domain/fleet.errors';
import { TypeOrmFleetRepository, toStationView } from './infrastructure/typeorm-fleet.repository';

const ONE_STATION_PER_CONNECTOR = 'station_one_per_ocpp_connector';

@Controller()
export class StationsRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: TypeOrmFleetRepository,
  ) {}

  @MessagePattern(FleetRpc.createStation)
  async create(@Payload() request: CreateStationCommand): Promise<StationView> {
    const { id = randomUUID(), ocpp, ...fields } = request;
    await this.linking(ocpp, (manager) =>
      this.fleet.insertStation(manager, {
        id,
        ...fields,
        ocppChargePointId: ocpp?.chargePointId ?? null,
        ocppConnectorId: ocpp?.connectorId ?? null,
      }),
    );
    return this.get({ id });
  }

  /** A running charge keeps the terms it started with; the change applies to the next one. */
  @MessagePattern(FleetRpc.updateStation)
  async update(@Payload() request: UpdateStationRequest): Promise<StationView> {
    await this.linking(request.ocpp, (manager) =>
      manager.transaction(async (tx) => {
        const station = await this.fleet.station(tx, request.id, true);
        if (!station) throw new StationNotFoundError(request.id);
        const ocpp =
          request.ocpp === undefined
            ? { chargePointId: station.ocppChargePointId, connectorId: station.ocppConnectorId }
            : request.ocpp;
        await this.fleet.updateStation(tx, {
          id: station.id,
          name: request.name ?? station.name,
          ratedPowerW: request.ratedPowerW ?? station.ratedPowerW,
          timeZone: request.timeZone ?? station.timeZone,
          metered: request.metered ?? station.metered,
          ocppChargePointId: ocpp?.chargePointId ?? null,
          ocppConnectorId: ocpp?.connectorId ?? null,
        });
      }),
    );
    return this.get({ id: request.id });
  }

  @MessagePattern(FleetRpc.getStation)
  async get(@Payload() request: ByIdRequest): Promise<StationView> {
    const station = await this.fleet.station(this.dataSource.manager, request.id);
    if (!station) throw new StationNotFoundError(request.id);
    return toStationView(station);
  }

  /** The station a charge point's connector is, for the central-system; STATION_NOT_FOUND when none is linked. */
  @MessagePattern(FleetRpc.findStationByConnector)
  async byConnector(@Payload() request: ConnectorRef): Promise<StationView> {
    const station = await this.fleet.stationByConnector(
      this.dataSource.manager,
      request.chargePointId,
      request.connectorId,
    );
    if (!station) throw new StationNotFoundError(`${request.chargePointId}#${request.connectorId}`);
    return toStationView(station);
  }

  @MessagePattern(FleetRpc.listStations)
  async list(@Payload() request: ListRequest): Promise<Page<StationView>> {
    const limit = pageSize(request.limit);
    const rows = await this.fleet.stations(this.dataSource.manager, decodeCursor(request.cursor), limit);
    return toPage(rows, limit, (row) => ({ at: row.cursorAt, id: row.id }), toStationView);
  }

  /** Runs a write that may link a connector; the unique index decides when two stations claim the same one. */
  private async linking(ocpp: ConnectorRef | null | undefined, write: (manager: EntityManager) => Promise<void>) {
    try {
      await write(this.dataSource.manager);
    } catch (error) {
      const constraint = (error as QueryFailedError & { driverError?: { constraint?: string } }).driverError
        ?.constraint;
      if (!ocpp || !(error instanceof QueryFailedError) || constraint !== ONE_STATION_PER_CONNECTOR) throw error;
      const holder = await this.fleet.stationByConnector(this.dataSource.manager, ocpp.chargePointId, ocpp.connectorId);
      throw new ConnectorAlreadyLinkedError(ocpp.chargePointId, ocpp.connectorId, holder?.id ?? null);
    }
  }
}
