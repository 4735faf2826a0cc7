import { Global, Module } from '@nestjs/common';
import { HEALTH_DETAILS } from '@chargeflow/runtime';
import { RebuildHealth } from './rebuild-health';
import { StatusRpcController } from './status.rpc.controller';

/** The projection's status, and its rebuild progress in the service's health (global: the health controller is). */
@Global()
@Module({
  controllers: [StatusRpcController],
  providers: [{ provide: HEALTH_DETAILS, useClass: RebuildHealth }],
  exports: [HEALTH_DETAILS],
})
export class StatusModule {}
