import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ConfirmPublisher, OutboxRelay } from '@chargeflow/messaging';
import { PINO_LOGGER } from './service-tokens';

const OUTBOX_RETENTION_MS = Symbol('OUTBOX_RETENTION_MS');

/** Runs the service's outbox relay, and the deletion of long-published rows, for as long as the service runs. */
@Injectable()
export class OutboxRelayRunner implements OnApplicationBootstrap, OnModuleDestroy {
  readonly relay: OutboxRelay;

  constructor(
    dataSource: DataSource,
    publisher: ConfirmPublisher,
    @Inject(PINO_LOGGER) logger: Logger,
    @Inject(OUTBOX_RETENTION_MS) retentionMs: number,
  ) {
    this.relay = new OutboxRelay({
      dataSource,
      publisher,
      retentionMs,
      logger: logger.child({ component: 'outbox-relay' }),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.relay.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.relay.stop();
  }
}

@Module({})
export class OutboxRelayModule {
  /** `retentionHours`: the service's OUTBOX_RETENTION_HOURS. */
  static register(retentionHours: number): DynamicModule {
    return {
      module: OutboxRelayModule,
      providers: [OutboxRelayRunner, { provide: OUTBOX_RETENTION_MS, useValue: retentionHours * 3_600_000 }],
      exports: [OutboxRelayRunner],
    };
  }
}
