import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ChargePointRpc,
  ConnectorRef,
  RegisterChargePointRequest,
  type ChargePointView,
  type ConnectorStatusView,
} from '@chargeflow/contracts';
import { ChargePointRepository } from './infrastructure/charge-point.repository';
import { RegisterChargePointHandler } from './register-charge-point/register-charge-point.handler';

@Controller()
export class ChargePointsRpcController {
  constructor(
    private readonly register: RegisterChargePointHandler,
    private readonly chargePoints: ChargePointRepository,
  ) {}

  @MessagePattern(ChargePointRpc.register)
  onRegister(@Payload() request: RegisterChargePointRequest): Promise<ChargePointView> {
    return this.register.execute(request);
  }

  @MessagePattern(ChargePointRpc.connectorStatus)
  onConnectorStatus(@Payload() request: ConnectorRef): Promise<ConnectorStatusView> {
    return this.chargePoints.status(request.chargePointId, request.connectorId);
  }
}
