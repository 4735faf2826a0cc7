import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  ByIdRequest,
  CreateStationCommand,
  FleetRpc,
  ListRequest,
  UpdateStationRequest,
  type Page,
  type StationView,
} from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { StationNotFoundError } from './domain/fleet.errors';
import { TypeOrmFleetRepository, toStationView } from './infrastructure/typeorm-fleet.repository';

@Controller()
export class StationsRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: TypeOrmFleetRepository,
  ) {}

  @MessagePattern(FleetRpc.createStation)
  async create(@Payload() request: CreateStationCommand): Promise<StationView> {
    const { id = randomUUID(), ...fields } = request;
    await this.fleet.insertStation(this.dataSource.manager, { id, ...fields });
    return this.get({ id });
  }

  /** A running charge keeps the terms it started with; the change applies to the next one. */
  @MessagePattern(FleetRpc.updateStation)
  async update(@Payload() request: UpdateStationRequest): Promise<StationView> {
    await this.dataSource.transaction(async (manager) => {
      const station = await this.fleet.station(manager, request.id, true);
      if (!station) throw new StationNotFoundError(request.id);
      await this.fleet.updateStation(manager, {
        id: station.id,
        name: request.name ?? station.name,
        ratedPowerW: request.ratedPowerW ?? station.ratedPowerW,
        timeZone: request.timeZone ?? station.timeZone,
        metered: request.metered ?? station.metered,
      });
    });
    return this.get({ id: request.id });
  }

  @MessagePattern(FleetRpc.getStation)
  async get(@Payload() request: ByIdRequest): Promise<StationView> {
    const station = await this.fleet.station(this.dataSource.manager, request.id);
    if (!station) throw new StationNotFoundError(request.id);
    return toStationView(station);
  }

  @MessagePattern(FleetRpc.listStations)
  async list(@Payload() request: ListRequest): Promise<Page<StationView>> {
    const limit = pageSize(request.limit);
    const rows = await this.fleet.stations(this.dataSource.manager, decodeCursor(request.cursor), limit);
    return toPage(rows, limit, (row) => ({ at: row.cursorAt, id: row.id }), toStationView);
  }
}
