import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  ByIdRequest,
  CreateRiderCommand,
  FleetRpc,
  ListRequest,
  UpdateRiderRequest,
  type Page,
  type RiderView,
} from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { RiderNotFoundError } from './domain/fleet.errors';
import { TypeOrmFleetRepository, toRiderView } from './infrastructure/typeorm-fleet.repository';

@Controller()
export class RidersRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: TypeOrmFleetRepository,
  ) {}

  @MessagePattern(FleetRpc.createRider)
  async create(@Payload() request: CreateRiderCommand): Promise<RiderView> {
    const id = request.id ?? randomUUID();
    await this.fleet.insertRider(this.dataSource.manager, { id, name: request.name });
    return this.get({ id });
  }

  @MessagePattern(FleetRpc.updateRider)
  async update(@Payload() request: UpdateRiderRequest): Promise<RiderView> {
    const rider = await this.get({ id: request.id });
    await this.fleet.updateRider(this.dataSource.manager, { id: rider.id, name: request.name ?? rider.name });
    return this.get({ id: request.id });
  }

  @MessagePattern(FleetRpc.getRider)
  async get(@Payload() request: ByIdRequest): Promise<RiderView> {
    const rider = await this.fleet.rider(this.dataSource.manager, request.id);
    if (!rider) throw new RiderNotFoundError(request.id);
    return toRiderView(rider);
  }

  @MessagePattern(FleetRpc.listRiders)
  async list(@Payload() request: ListRequest): Promise<Page<RiderView>> {
    const limit = pageSize(request.limit);
    const rows = await this.fleet.riders(this.dataSource.manager, decodeCursor(request.cursor), limit);
    return toPage(rows, limit, (row) => ({ at: row.cursorAt, id: row.id }), toRiderView);
  }
}
