import { Module } from '@nestjs/common';
import { FleetRepository } from './infrastructure/fleet.repository';
import { RidersRpcController } from './riders.rpc.controller';
import { StationsRpcController } from './stations.rpc.controller';
import { VehiclesRpcController } from './vehicles.rpc.controller';

/** Reference data: vehicles (with their battery), stations, riders. */
@Module({
  controllers: [VehiclesRpcController, StationsRpcController, RidersRpcController],
  providers: [FleetRepository],
  exports: [FleetRepository],
})
export class FleetModule {}
