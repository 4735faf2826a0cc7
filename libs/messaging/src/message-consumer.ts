import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Exchanges } from '@chargeflow/contracts';
import type { AmqpConnection } from './amqp-connection';
import { deadLetterOptions } from './dead-letters';
import { messagingMetrics } from './messaging-metrics';
import { PoisonMessageError } from './poison-message.error';
import { deliveryFields, type StructuredLogger } from './structured-logger';
import { DEFAULT_ATTEMPTS_PER_DELIVERY, retryTransient } from './transient-retry';
import { declareExchanges, declareFactQueue, type FactQueue } from './topology';

export type MessageHandler = (message: ConsumeMessage) => Promise<void>;

export interface MessageConsumerOptions {
  queue: FactQueue;
  handler: MessageHandler;
  logger: StructuredLogger;
  /** Unacknowledged messages the broker may push at once (100 to 500 keeps memory bounded). */
  prefetch?: number;
  /** First pause between in-process attempts (doubling), so a short outage does not burn the delivery limit. */
  retryDelayMs?: number;
  /** Attempts in this process per delivery before the message goes back to the queue. */
  attemptsPerDelivery?: number;
}

export const DEFAULT_PREFETCH = 200;

/**
 * Consumes a fact queue with manual acks. A message is acked only after its handler resolved (the
 * handler commits its transaction first). A PoisonMessageError sends the message to the queue's
 * dead-letter queue with an `x-rejection-reason` header; any other error is retried in this process
 * after growing pauses, then handed back for redelivery, and the queue's delivery limit dead-letters it
 * if it keeps failing.
 */
export class MessageConsumer {
  private channel: ConfirmChannel | null = null;
  private consumerTag: string | null = null;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: MessageConsumerOptions,
  ) {}

  async start(): Promise<void> {
    await this.connection.onConnected(async (model) => {
      if (this.stopped) return;
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      await declareExchanges(channel);
      await declareFactQueue(model, this.options.queue);
      await channel.prefetch(this.options.prefetch ?? DEFAULT_PREFETCH);
      this.channel = channel;
      const { consumerTag } = await channel.consume(
        this.options.queue.name,
        (message) => {
          if (message) this.track(this.deliver(channel, message), message);
        },
        { noAck: false },
      );
      this.consumerTag = consumerTag;
      return channel;
    });
  }

  /** Stops taking messages, lets in-flight handlers finish and settle, then closes the channel. */
  async stop(): Promise<void> {
    this.stopped = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    if (channel) await channel.close().catch(() => undefined);
    this.channel = null;
  }

  private track(work: Promise<void>, message: ConsumeMessage): void {
    this.inFlight.add(work);
    void work
      .catch((error: Error) =>
        this.options.logger.warn(
          { ...deliveryFields(this.options.queue.name, message), error: error.message },
          'settling a message failed',
        ),
      )
      .finally(() => this.inFlight.delete(work));
  }

  private async deliver(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    try {
      await retryTransient(() => this.options.handler(message), {
        attempts: this.options.attemptsPerDelivery ?? DEFAULT_ATTEMPTS_PER_DELIVERY,
        baseDelayMs: this.options.retryDelayMs ?? 500,
        stopping: () => this.stopped,
        onRetry: (error, attempt) =>
          this.options.logger.warn(
            { ...deliveryFields(this.options.queue.name, message), attempt, error: error.message },
            'handling a message failed; retrying',
          ),
      });
      channel.ack(message);
      messagingMetrics.consumed.inc({ queue: this.options.queue.name });
    } catch (error) {
      if (error instanceof PoisonMessageError) {
        await this.deadLetter(channel, message, error);
        return;
      }
      messagingMetrics.rejected.inc({ queue: this.options.queue.name });
      this.options.logger.warn(
        { ...deliveryFields(this.options.queue.name, message), error: (error as Error).message },
        'handling a message failed; handing it back for redelivery',
      );
      try {
        channel.nack(message, false, true);
      } catch {
        // The channel closed meanwhile: the broker redelivers the unacked message by itself.
      }
    }
  }

  private async deadLetter(channel: ConfirmChannel, message: ConsumeMessage, error: PoisonMessageError): Promise<void> {
    this.options.logger.warn(
      { ...deliveryFields(this.options.queue.name, message), reason: error.reason, error: error.message },
      'dead-lettering a message',
    );
    await new Promise<void>((resolve, reject) =>
      channel.publish(
        Exchanges.deadLetter,
        this.options.queue.name,
        message.content,
        deadLetterOptions(message, error),
        (failure) => (failure ? reject(failure) : resolve()),
      ),
    )
      .then(() => {
        channel.ack(message);
        messagingMetrics.deadLettered.inc({ queue: this.options.queue.name, reason: error.reason });
      })
      .catch(() => channel.nack(message, false, true));
  }
}
