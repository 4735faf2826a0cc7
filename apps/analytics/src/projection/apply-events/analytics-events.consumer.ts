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
  decodeEnvelope,
  FactQueues,
  fieldErrorsOf,
  MessageConsumer,
  PoisonMessageError,
  processOnce,
  routingKeyOf,
  withCorrelation,
} from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { ApplyEventHandler } from './apply-event.handler';
import { billingRefusal, finalizedSessionRefusal } from '../domain/event-admission';

const CONSUMER = 'analytics.projection';

/**
 * Keeps the projection up to date from finalized sessions and their billing, each event applied once
 * in one transaction with its inbox row. An event that breaks its contract is dead-lettered with the
 * reason and the consumer goes on.
 */
@Injectable()
export class AnalyticsEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: MessageConsumer;

  constructor(
    connection: AmqpConnection,
    private readonly dataSource: DataSource,
    private readonly handler: ApplyEventHandler,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.consumer = new MessageConsumer(connection, {
      queue: FactQueues.analyticsEvents,
      logger: logger.child({ component: CONSUMER }),
      handler: (message) => this.handle(message),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }

  private async handle(message: ConsumeMessage): Promise<void> {
    const routingKey = routingKeyOf(message); // a replayed dead letter comes straight to the queue
    if (routingKey === SESSION_FINALIZED_V1) {
      const envelope = strictlyDecoded(message, SessionFinalizedV1);
      refuseIf(finalizedSessionRefusal(envelope.payload));
      await this.apply(envelope, (manager) =>
        this.handler.sessionFinalized(manager, envelope.payload, envelope.occurredAt),
      );
    } else if (routingKey === BILLING_CALCULATED_V2) {
      const envelope = strictlyDecoded(message, BillingCalculatedV2);
      refuseIf(billingRefusal(envelope.payload));
      await this.apply(envelope, (manager) =>
        this.handler.billingCalculated(manager, envelope.payload, envelope.occurredAt),
      );
    } else {
      throw new PoisonMessageError('UNKNOWN_EVENT', `no projection applies events routed ${routingKey}`);
    }
  }

  private async apply(envelope: Envelope<object>, effect: Parameters<typeof processOnce>[3]): Promise<void> {
    await withCorrelation({ correlationId: envelope.correlationId, causationId: envelope.messageId }, () =>
      processOnce(this.dataSource, CONSUMER, envelope.messageId, effect),
    );
  }
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
