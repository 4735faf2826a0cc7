import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AnalyticsRpc, AnalyticsVerifyRunRequest, type AnalyticsVerifyRun } from '@chargeflow/contracts';
import { VerifyProjectionHandler } from './verify-projection.handler';

@Controller()
export class VerifyRpcController {
  constructor(private readonly handler: VerifyProjectionHandler) {}

  @MessagePattern(AnalyticsRpc.verify)
  verify(): Promise<AnalyticsVerifyRun> {
    return this.handler.start();
  }

  @MessagePattern(AnalyticsRpc.verifyRun)
  verifyRun(@Payload() request: AnalyticsVerifyRunRequest): Promise<AnalyticsVerifyRun> {
    return this.handler.find(request.id);
  }
}
