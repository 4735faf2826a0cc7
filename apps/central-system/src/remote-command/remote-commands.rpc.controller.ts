import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ChargePointRpc, RemoteStartRequest, RemoteStopRequest, type RemoteCommandView } from '@chargeflow/contracts';
import { TransactionRepository } from '../transaction/infrastructure/transaction.repository';
import { CommandBus } from './command-bus';
import { TransactionNotFoundError } from './remote-command.errors';

/** RemoteStartTransaction and RemoteStopTransaction from the gateway, answered as the charge point answered. */
@Controller()
export class RemoteCommandsRpcController {
  constructor(
    private readonly commands: CommandBus,
    private readonly transactions: TransactionRepository,
  ) {}

  @MessagePattern(ChargePointRpc.remoteStart)
  async remoteStart(@Payload() request: RemoteStartRequest): Promise<RemoteCommandView> {
    const answer = await this.commands.send({
      chargePointId: request.chargePointId,
      action: 'RemoteStartTransaction',
      params: { connectorId: request.connectorId, idTag: request.idTag },
    });
    return { status: (answer as RemoteCommandView).status };
  }

  @MessagePattern(ChargePointRpc.remoteStop)
  async remoteStop(@Payload() request: RemoteStopRequest): Promise<RemoteCommandView> {
    const transaction = await this.transactions.bySession(request.sessionId);
    if (!transaction || transaction.stoppedAt) throw new TransactionNotFoundError(request.sessionId);
    const answer = await this.commands.send({
      chargePointId: transaction.chargePointId,
      action: 'RemoteStopTransaction',
      params: { transactionId: transaction.transactionId },
    });
    return { status: (answer as RemoteCommandView).status };
  }
}
