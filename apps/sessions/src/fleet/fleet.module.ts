import { Module } from '@nestjs/common';
import { FLEET_REPOSITORY } from './domain/fleet.repository';
import { TypeOrmFleetRepository } from './infrastructure/typeorm-fleet.repository';
import { RidersRpcController } from './riders.rpc.controller';
import { StationsRpcController } from './stations.rpc.controller';
import { TokenRepository } from './infrastructure/token.repository';
import { TokensRpcController } from './tokens.rpc.controller';
import { VehiclesRpcController } from './vehicles.rpc.controller';

/** Reference data: vehicles (with their battery), stations (and their OCPP connector), riders and their tokens. */
@Module({
  controllers: [VehiclesRpcController, StationsRpcController, RidersRpcController, TokensRpcController],
  providers: [
    TypeOrmFleetRepository,
    TokenRepository,
    { provide: FLEET_REPOSITORY, useExisting: TypeOrmFleetRepository },
  ],
  exports: [FLEET_REPOSITORY, TokenRepository],
})
export class FleetModule {}
