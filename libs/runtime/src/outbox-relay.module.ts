import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ConfirmPublisher, OutboxRelay } from '@chargeflow/messaging';
import { NestPinoLogger } from './logger';
import { PINO_LOGGER } from './service-tokens';

/** Runs the service's outbox relay for as long as the service runs. */
@Injectable()
export class OutboxRelayRunner implements OnApplicationBootstrap, OnModuleDestroy {
  readonly relay: OutboxRelay;

  constructor(dataSource: DataSource, publisher: ConfirmPublisher, @Inject(PINO_LOGGER) logger: Logger) {
    this.relay = new OutboxRelay({ dataSource, publisher, logger: new NestPinoLogger(logger.child({ component: 'outbox-relay' })) });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.relay.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.relay.stop();
  }
}

@Module({ providers: [OutboxRelayRunner], exports: [OutboxRelayRunner] })
export class OutboxRelayModule {}
