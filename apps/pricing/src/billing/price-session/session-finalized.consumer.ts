import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { SessionFinalizedV1, type Envelope } from '@chargeflow/contracts';
import {
  AmqpConnection,
  BatchConsumer,
  claimUnprocessed,
  ConfirmPublisher,
  decodeEnvelope,
  FactQueues,
  publishDeadLetter,
  withCorrelation,
} from '@chargeflow/messaging';
import { handleFactBatch, PINO_LOGGER } from '@chargeflow/runtime';
import { PriceFinalizedSessionHandler } from './price-finalized-session.handler';

const CONSUMER = 'pricing.price-finalized-session';
/** Sessions priced per transaction: three statements each, one inbox claim and one commit for all. */
const BATCH_SIZE = 100;
/**
 * How long a partial batch waits for more. Under a steady trickle of ends (one every few milliseconds)
 * a bill then costs a share of a transaction instead of one of its own, and the CPU that frees goes to
 * the commands; a bill comes at most this much later (analytics, which reads the bills, waits as long).
 */
const BATCH_WAIT_MS = 250;

interface Admitted {
  message: ConsumeMessage;
  envelope: Envelope<SessionFinalizedV1>;
}

/**
 * Prices every finalized session once, however often its event is delivered, in batches: a batch's
 * sessions are priced in one transaction with their inbox rows (a session priced before is skipped).
 * An event that breaks its contract, or whose record the database cannot store, is dead-lettered with
 * the reason and the others are priced.
 */
@Injectable()
export class SessionFinalizedConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: BatchConsumer;
  private readonly logger: Logger;

  constructor(
    connection: AmqpConnection,
    private readonly dataSource: DataSource,
    private readonly publisher: ConfirmPublisher,
    private readonly handler: PriceFinalizedSessionHandler,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: CONSUMER });
    this.consumer = new BatchConsumer(connection, {
      queue: FactQueues.pricingFinalizedSessions,
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
      admit: (message): Admitted => ({ message, envelope: decodeEnvelope(message.content, SessionFinalizedV1) }),
      apply: (admitted) => this.price(admitted),
      deadLetter: (message, error) =>
        publishDeadLetter(this.publisher, FactQueues.pricingFinalizedSessions.name, message, error, this.logger),
    });
  }

  private price(admitted: Admitted[]): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      // PostgreSQL hands uuids back in lower case: the inbox's answer is matched in the same case.
      const idOf = ({ envelope }: Admitted) => envelope.messageId.toLowerCase();
      const claimed = await claimUnprocessed(manager, CONSUMER, admitted.map(idOf));
      // A message delivered twice in one batch is claimed once, and priced once. In session order,
      // so two instances writing records of the same sessions never wait on each other in a circle.
      const fresh = admitted
        .filter((one) => claimed.delete(idOf(one)))
        .sort((a, b) => compare(a.envelope.payload.sessionId, b.envelope.payload.sessionId));
      for (const { envelope } of fresh)
        await withCorrelation({ correlationId: envelope.correlationId, causationId: envelope.messageId }, () =>
          this.handler.priceOrRecordRefusal(manager, { ...envelope.payload }),
        );
    });
  }
}

const compare = (a: string, b: string) => {
  const [left, right] = [a.toLowerCase(), b.toLowerCase()];
  return left < right ? -1 : left > right ? 1 : 0;
};
