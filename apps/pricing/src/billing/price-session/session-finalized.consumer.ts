import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { SessionFinalizedV1 } from '@chargeflow/contracts';
import {
  AmqpConnection,
  decodeEnvelope,
  FactQueues,
  MessageConsumer,
  processOnce,
  withCorrelation,
} from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { PriceFinalizedSessionHandler } from './price-finalized-session.handler';

const CONSUMER = 'pricing.price-finalized-session';

/** Prices every finalized session once, however often its event is delivered. */
@Injectable()
export class SessionFinalizedConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: MessageConsumer;

  constructor(
    connection: AmqpConnection,
    dataSource: DataSource,
    handler: PriceFinalizedSessionHandler,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.consumer = new MessageConsumer(connection, {
      queue: FactQueues.pricingFinalizedSessions,
      logger: logger.child({ component: CONSUMER }),
      handler: async (message) => {
        const envelope = decodeEnvelope(message.content, SessionFinalizedV1);
        await withCorrelation({ correlationId: envelope.correlationId, causationId: envelope.messageId }, () =>
          processOnce(dataSource, CONSUMER, envelope.messageId, (manager) =>
            handler.price(manager, { ...envelope.payload }),
          ),
        );
      },
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }
}
