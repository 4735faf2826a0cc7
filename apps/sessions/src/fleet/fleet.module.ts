import { Module } from '@nestjs/common';
import { FLEET_REPOSITORY } from './domain/fleet.repository';
import { TypeOrmFleetRepository } from './infrastructure/typeorm-fleet.repository';
import { RidersRpcController } from './riders.rpc.controller';
import { StationsRpcController } from './stations.rpc.controller';
import { VehiclesRpcController } from './vehicles.rpc.controller';

/** Reference data: vehicles (with their battery), stations, riders. */
@Module({
  controllers: [VehiclesRpcController, StationsRpcController, RidersRpcController],
  providers: [TypeOrmFleetRepository, { provide: FLEET_REPOSITORY, useExisting: TypeOrmFleetRepository }],
  exports: [FLEET_REPOSITORY],
})
export class FleetModule {}
