import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AnalyticsRpc, type AnalyticsVerifyReport } from '@chargeflow/contracts';
import { VerifyProjectionHandler } from './verify-projection.handler';

@Controller()
export class VerifyRpcController {
  constructor(private readonly handler: VerifyProjectionHandler) {}

  @MessagePattern(AnalyticsRpc.verify)
  verify(): Promise<AnalyticsVerifyReport> {
    return this.handler.verify();
  }
}
