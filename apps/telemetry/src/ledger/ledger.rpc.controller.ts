import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SealSessionRequest, TelemetryRpc, type SealedTotals } from '@chargeflow/contracts';
import { SealSessionHandler } from './seal-session/seal-session.handler';

@Controller()
export class LedgerRpcController {
  constructor(private readonly sealSession: SealSessionHandler) {}

  @MessagePattern(TelemetryRpc.seal)
  onSeal(@Payload() request: SealSessionRequest): Promise<SealedTotals> {
    return this.sealSession.execute(request);
  }
}
