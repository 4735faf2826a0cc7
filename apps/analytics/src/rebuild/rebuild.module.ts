import { Module } from '@nestjs/common';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { RebuildProjectionHandler } from './rebuild-projection.handler';
import { RebuildRpcController } from './rebuild.rpc.controller';
import { UpstreamReader } from './upstream.reader';

/** Rebuilds the projection from the sessions and pricing services, at start-up when it was never built. */
@Module({
  controllers: [RebuildRpcController],
  providers: [
    RebuildProjectionHandler,
    UpstreamReader,
    {
      provide: RpcClient,
      useFactory: (connection: AmqpConnection) => RpcClient.create(connection),
      inject: [AmqpConnection],
    },
  ],
  exports: [UpstreamReader],
})
export class RebuildModule {}
