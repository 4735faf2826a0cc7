import { Module } from '@nestjs/common';
import { FrameRecorder } from './record-frames/frame.recorder';
import { ProtocolLogConsumer } from './record-frames/protocol-log.consumer';
import { ProtocolLogRpcController } from './search-log/protocol-log.rpc.controller';

/** The protocol log: every OCPP frame through the broker into a store of its own, searchable. */
@Module({
  controllers: [ProtocolLogRpcController],
  providers: [FrameRecorder, ProtocolLogConsumer],
  exports: [FrameRecorder],
})
export class ProtocolLogModule {}
