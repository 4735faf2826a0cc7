import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { validateSync } from 'class-validator';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import {
  BILLING_CALCULATED_V2,
  BillingCalculatedV2,
  SESSION_FINALIZED_V1,
  SessionFinalizedV1,
  type Envelope,
} from '@chargeflow/contracts';
import {
  AmqpConnection,
  BatchConsumer,
  claimUnprocessed,
  ConfirmPublisher,
  decodeEnvelope,
  FactQueues,
  fieldErrorsOf,
  PoisonMessageError,
  publishDeadLetter,
  routingKeyOf,
} from '@chargeflow/messaging';
import { handleFactBatch, PINO_LOGGER } from '@chargeflow/runtime';
import { ApplyEventHandler, type ProjectionEvent } from './apply-event.handler';
import { billingRefusal, finalizedSessionRefusal } from '../domain/event-admission';

const CONSUMER = 'analytics.projection';
/** Events applied per transaction: one commit, a few statements per event and two for the batch's rollups. */
const BATCH_SIZE = 200;
/**
 * How long a partial batch waits for more events. The projection is read-only and may lag a little:
 * under a steady trickle (a ride's end and its billing every few milliseconds) waiting gathers tens of
 * events into one transaction instead of one or two each, and the CPU that frees goes to commands.
 */
const BATCH_WAIT_MS = 250;

interface Admitted {
  message: ConsumeMessage;
  messageId: string;
  event: ProjectionEvent;
}

/**
 * Keeps the projection up to date from finalized sessions and their billing, in batches: a batch's
 * events are applied in one transaction with their inbox rows (an event applied before is skipped).
 * An event that breaks its contract, or that the database cannot store, is dead-lettered with the
 * reason and the others are applied.
 */
@Injectable()
export class AnalyticsEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: BatchConsumer;
  private readonly logger: Logger;

  constructor(
    connection: AmqpConnection,
    private readonly dataSource: DataSource,
    private readonly publisher: ConfirmPublisher,
    private readonly handler: ApplyEventHandler,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: CONSUMER });
    this.consumer = new BatchConsumer(connection, {
      queue: FactQueues.analyticsEvents,
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

  /** One transaction for the batch; when an event's content makes it fail, each in its own, so only that event is refused. */
  private handleBatch(messages: ConsumeMessage[]): Promise<void> {
    return handleFactBatch(messages, {
      admit,
      apply: (admitted) => this.apply(admitted),
      deadLetter: (message, error) =>
        publishDeadLetter(this.publisher, FactQueues.analyticsEvents.name, message, error, this.logger),
    });
  }

  private apply(admitted: Admitted[]): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const claimed = await claimUnprocessed(
        manager,
        CONSUMER,
        admitted.map(({ messageId }) => messageId),
      );
      // A message delivered twice in one batch is claimed once, and applied once.
      const fresh = admitted.filter(({ messageId }) => claimed.delete(messageId));
      await this.handler.apply(
        manager,
        fresh.map(({ event }) => event),
      );
    });
  }
}

/** The event a message carries, validated; a PoisonMessageError with the reason when it may not be applied. */
function admit(message: ConsumeMessage): Admitted {
  const routingKey = routingKeyOf(message); // a replayed dead letter comes straight to the queue
  if (routingKey === SESSION_FINALIZED_V1) {
    const envelope = strictlyDecoded(message, SessionFinalizedV1);
    refuseIf(finalizedSessionRefusal(envelope.payload));
    return admitted(message, envelope, {
      type: 'session-finalized',
      payload: envelope.payload,
      occurredAt: envelope.occurredAt,
    });
  }
  if (routingKey === BILLING_CALCULATED_V2) {
    const envelope = strictlyDecoded(message, BillingCalculatedV2);
    refuseIf(billingRefusal(envelope.payload));
    return admitted(message, envelope, {
      type: 'billing-calculated',
      payload: envelope.payload,
      occurredAt: envelope.occurredAt,
    });
  }
  throw new PoisonMessageError('UNKNOWN_EVENT', `no projection applies events routed ${routingKey}`);
}

function admitted(message: ConsumeMessage, envelope: Envelope<object>, event: ProjectionEvent): Admitted {
  // PostgreSQL hands uuids back in lower case: the inbox's answer is matched in the same case.
  return { message, messageId: envelope.messageId.toLowerCase(), event };
}

function refuseIf(reason: string | null): void {
  if (reason) throw new PoisonMessageError('INVALID_PAYLOAD', reason);
}

/** The envelope, its payload validated against the contract with no field the contract does not declare. */
function strictlyDecoded<T extends object>(message: ConsumeMessage, type: new () => T): Envelope<T> {
  const envelope = decodeEnvelope(message.content, type);
  const errors = validateSync(envelope.payload, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0)
    throw new PoisonMessageError(
      'INVALID_PAYLOAD',
      fieldErrorsOf(errors)
        .map((error) => `${error.field}: ${error.message}`)
        .join('; '),
    );
  return envelope;
}
