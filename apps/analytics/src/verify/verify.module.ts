import { Module } from '@nestjs/common';
import { RebuildModule } from '../rebuild/rebuild.module';
import { VerifyProjectionHandler } from './verify-projection.handler';
import { VerifyRpcController } from './verify.rpc.controller';

/** Verify: the rollups against a recount of the facts, the facts against upstream counts. */
@Module({
  imports: [RebuildModule],
  controllers: [VerifyRpcController],
  providers: [VerifyProjectionHandler],
})
export class VerifyModule {}
