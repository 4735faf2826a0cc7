import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AnalyticsRpc, type AnalyticsRebuildProgress } from '@chargeflow/contracts';
import { RebuildProjectionHandler } from './rebuild-projection.handler';

@Controller()
export class RebuildRpcController {
  constructor(private readonly rebuild: RebuildProjectionHandler) {}

  /** Starts a rebuild in the background; 409 ANALYTICS_REBUILD_IN_PROGRESS while one runs on any instance. */
  @MessagePattern(AnalyticsRpc.rebuild)
  start(): Promise<AnalyticsRebuildProgress> {
    return this.rebuild.start('requested');
  }
}
