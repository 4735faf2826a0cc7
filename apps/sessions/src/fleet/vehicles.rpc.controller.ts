import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  ByIdRequest,
  CreateVehicleCommand,
  FleetRpc,
  ListRequest,
  UpdateVehicleRequest,
  type Page,
  type VehicleView,
} from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { Battery } from './domain/battery';
import { VehicleNotFoundError } from './domain/fleet.errors';
import { TypeOrmFleetRepository, toVehicleView } from './infrastructure/typeorm-fleet.repository';

@Controller()
export class VehiclesRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: TypeOrmFleetRepository,
  ) {}

  @MessagePattern(FleetRpc.createVehicle)
  async create(@Payload() request: CreateVehicleCommand): Promise<VehicleView> {
    const battery = Battery.of(String(request.batteryCapacityWh), String(request.energyWh));
    const id = request.id ?? randomUUID();
    await this.fleet.insertVehicle(this.dataSource.manager, {
      id,
      label: request.label,
      batteryCapacityWh: battery.capacityWh.toFixed(),
      energyWh: battery.energyWh.toFixed(),
    });
    return this.get({ id });
  }

  /** Label and capacity only: the battery level is changed by finalized sessions, never by hand. */
  @MessagePattern(FleetRpc.updateVehicle)
  async update(@Payload() request: UpdateVehicleRequest): Promise<VehicleView> {
    await this.dataSource.transaction(async (manager) => {
      const vehicle = await this.fleet.vehicle(manager, request.id, true);
      if (!vehicle) throw new VehicleNotFoundError(request.id);
      const battery = Battery.of(vehicle.batteryCapacityWh, vehicle.energyWh).withCapacity(
        String(request.batteryCapacityWh ?? vehicle.batteryCapacityWh),
      );
      await this.fleet.updateVehicle(manager, {
        id: vehicle.id,
        label: request.label ?? vehicle.label,
        batteryCapacityWh: battery.capacityWh.toFixed(),
        energyWh: battery.energyWh.toFixed(),
      });
    });
    return this.get({ id: request.id });
  }

  @MessagePattern(FleetRpc.getVehicle)
  async get(@Payload() request: ByIdRequest): Promise<VehicleView> {
    const vehicle = await this.fleet.vehicle(this.dataSource.manager, request.id);
    if (!vehicle) throw new VehicleNotFoundError(request.id);
    return toVehicleView(vehicle);
  }

  @MessagePattern(FleetRpc.listVehicles)
  async list(@Payload() request: ListRequest): Promise<Page<VehicleView>> {
    const limit = pageSize(request.limit);
    const rows = await this.fleet.vehicles(this.dataSource.manager, decodeCursor(request.cursor), limit);
    return toPage(rows, limit, (row) => ({ at: row.cursorAt, id: row.id }), toVehicleView);
  }
}
