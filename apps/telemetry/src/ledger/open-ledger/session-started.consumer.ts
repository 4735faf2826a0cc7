import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { SessionStartedV1 } from '@chargeflow/contracts';
import {
  AmqpConnection,
  BatchConsumer,
  ConfirmPublisher,
  decodeEnvelope,
  FactQueues,
  publishDeadLetter,
} from '@chargeflow/messaging';
import { handleFactBatch, PINO_LOGGER } from '@chargeflow/runtime';
import { LedgerRepository, type LedgerOpening } from '../ledger.repository';

const CONSUMER = 'telemetry.open-ledger';
/** Ledgers opened per statement. */
const BATCH_SIZE = 200;
/**
 * How long a partial batch waits for more. Under a steady trickle of starts a ledger then costs a
 * share of a statement instead of one of its own. A sample that arrives before its ledger is open
 * is not lost: the session directory asks the sessions service and opens the ledger itself.
 */
const BATCH_WAIT_MS = 20;

interface Admitted {
  message: ConsumeMessage;
  opening: LedgerOpening;
}

/**
 * Opens the ledgers of started sessions, a batch in one statement; a redelivered event finds its
 * ledger open and changes nothing (opening is idempotent by itself: no inbox row). An event that
 * breaks its contract, or that the database cannot store, is dead-lettered with the reason and the
 * others' ledgers are opened.
 */
@Injectable()
export class SessionStartedConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: BatchConsumer;
  private readonly logger: Logger;

  constructor(
    connection: AmqpConnection,
    private readonly dataSource: DataSource,
    private readonly publisher: ConfirmPublisher,
    private readonly ledger: LedgerRepository,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: CONSUMER });
    this.consumer = new BatchConsumer(connection, {
      queue: FactQueues.telemetrySessionEvents,
      logger: this.logger,
      batchSize: BATCH_SIZE,
      maxWaitMs: BATCH_WAIT_MS,
      handleBatch: (messages) => this.handleBatch(messages),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }

  private handleBatch(messages: ConsumeMessage[]): Promise<void> {
    return handleFactBatch(messages, {
      admit: (message): Admitted => ({
        message,
        opening: decodeEnvelope(message.content, SessionStartedV1).payload,
      }),
      apply: (admitted) =>
        this.ledger.openAll(
          this.dataSource.manager,
          admitted.map(({ opening }) => opening),
        ),
      deadLetter: (message, error) =>
        publishDeadLetter(this.publisher, FactQueues.telemetrySessionEvents.name, message, error, this.logger),
    });
  }
}
