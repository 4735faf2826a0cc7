import { Module } from '@nestjs/common';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { ChargePointModule } from '../charge-point/charge-point.module';
import { AuthorizeHandler } from './authorize/authorize.handler';
import { BootNotificationHandler } from './boot-notification/boot-notification.handler';
import { HeartbeatHandler } from './heartbeat.handler';
import { OCPP_ACTION_HANDLERS } from './ocpp-action';
import { OcppServer } from './ocpp-server';
import { BackendClient } from './backend.client';
import { StatusNotificationHandler } from './status-notification/status-notification.handler';
import { MeterSamplePublisher } from '../transaction/infrastructure/meter-sample.publisher';
import { TransactionRepository } from '../transaction/infrastructure/transaction.repository';
import { MeterValuesHandler } from '../transaction/meter-values/meter-values.handler';
import { ProtocolLogModule } from '../protocol-log/protocol-log.module';
import { CommandBus } from '../remote-command/command-bus';
import { ConnectionRegistry } from '../remote-command/connection.registry';
import { RemoteCommandsRpcController } from '../remote-command/remote-commands.rpc.controller';
import { StartTransactionHandler } from '../transaction/start-transaction/start-transaction.handler';
import { StopTransactionHandler } from '../transaction/stop-transaction/stop-transaction.handler';
import { EndChargeHandler } from '../transaction/end-charge/end-charge.handler';
import { ReadingArrivals } from '../transaction/end-charge/reading-arrivals';
import { StoppedChargesReconciler } from '../transaction/end-charge/stopped-charges.reconciler';

/** The OCPP-J endpoint, one handler per action it answers, and the remote commands it carries to charge points. */
@Module({
  imports: [ChargePointModule, ProtocolLogModule],
  controllers: [RemoteCommandsRpcController],
  providers: [
    ConnectionRegistry,
    CommandBus,
    OcppServer,
    BootNotificationHandler,
    HeartbeatHandler,
    StatusNotificationHandler,
    AuthorizeHandler,
    StartTransactionHandler,
    MeterValuesHandler,
    StopTransactionHandler,
    EndChargeHandler,
    ReadingArrivals,
    StoppedChargesReconciler,
    TransactionRepository,
    MeterSamplePublisher,
    BackendClient,
    {
      provide: RpcClient,
      useFactory: (connection: AmqpConnection) => RpcClient.create(connection),
      inject: [AmqpConnection],
    },
    {
      provide: OCPP_ACTION_HANDLERS,
      useFactory: (...handlers: unknown[]) => handlers,
      inject: [
        BootNotificationHandler,
        HeartbeatHandler,
        StatusNotificationHandler,
        AuthorizeHandler,
        StartTransactionHandler,
        MeterValuesHandler,
        StopTransactionHandler,
      ],
    },
  ],
})
export class OcppModule {}
