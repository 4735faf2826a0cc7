import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { SessionStartedV1 } from '@chargeflow/contracts';
import { AmqpConnection, decodeEnvelope, FactQueues, MessageConsumer, withCorrelation } from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { LedgerRepository } from '../ledger.repository';

const CONSUMER = 'telemetry.open-ledger';

/** Opens a session's ledger when the session starts; a redelivered event finds it open and changes nothing. */
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
        // Opening is idempotent by itself (a ledger is never deleted): no inbox row, one statement.
        await withCorrelation({ correlationId: envelope.correlationId, causationId: envelope.messageId }, () =>
          this.ledger.open(this.dataSource.manager, envelope.payload),
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
