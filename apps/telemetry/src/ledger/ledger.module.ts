import { Module } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository';
import { LedgerRpcController } from './ledger.rpc.controller';
import { SessionStartedConsumer } from './open-ledger/session-started.consumer';
import { SealSessionHandler } from './seal-session/seal-session.handler';

/** The per-session ledger: opened when a session starts, sealed when it ends. */
@Module({
  controllers: [LedgerRpcController],
  providers: [LedgerRepository, SealSessionHandler, SessionStartedConsumer],
  exports: [LedgerRepository],
})
export class LedgerModule {}
