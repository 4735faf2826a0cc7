import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { SessionStartedV1 } from '@chargeflow/contracts';
import {
  AmqpConnection,
  decodeEnvelope,
  FactQueues,
  MessageConsumer,
  processOnce,
  withCorrelation,
} from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { LedgerRepository } from '../ledger.repository';

const CONSUMER = 'telemetry.open-ledger';

/** Opens a session's ledger when the session starts, once per event however often it is delivered. */
@Injectable()
export class SessionStartedConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: MessageConsumer;

  constructor(
    connection: AmqpConnection,
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.consumer = new MessageConsumer(connection, {
      queue: FactQueues.telemetrySessionEvents,
      handler: async (message) => {
        const envelope = decodeEnvelope(message.content, SessionStartedV1);
        await withCorrelation({ correlationId: envelope.correlationId, causationId: envelope.messageId }, () =>
          processOnce(this.dataSource, CONSUMER, envelope.messageId, (manager) =>
            this.ledger.open(manager, envelope.payload),
          ),
        );
      },
      logger: logger.child({ component: CONSUMER }),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }
}
