import { Module } from '@nestjs/common';
import { ChargePointsRpcController } from './charge-points.rpc.controller';
import { ChargePointRepository } from './infrastructure/charge-point.repository';
import { RegisterChargePointHandler } from './register-charge-point/register-charge-point.handler';

/** Charge points: registration with a hashed password, and their connectors' reported status. */
@Module({
  controllers: [ChargePointsRpcController],
  providers: [ChargePointRepository, RegisterChargePointHandler],
  exports: [ChargePointRepository],
})
export class ChargePointModule {}
