import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnection } from './amqp-connection';
import { messagingMetrics } from './messaging-metrics';
import { batchFields, type StructuredLogger } from './structured-logger';
import { PoisonMessageError } from './poison-message.error';
import { DEFAULT_ATTEMPTS_PER_DELIVERY, retryTransient } from './transient-retry';
import { declareExchanges, declareFactQueue, type FactQueue } from './topology';

export interface BatchConsumerOptions {
  queue: FactQueue;
  /**
   * Handles a whole batch and resolves only once its effects are committed. A batch that failed is
   * handed over again, whole: effects it committed before failing must not count twice.
   */
  handleBatch(messages: ConsumeMessage[]): Promise<void>;
  logger: StructuredLogger;
  /** The largest batch. The broker may push twice as many, so the next batch fills while one commits. */
  batchSize?: number;
  /** A partial batch waits at most this long for more (5 ms unless set), so a lone message is held back no longer. */
  maxWaitMs?: number;
  /** First pause between in-process attempts (doubling) before the consumer pauses. */
  retryDelayMs?: number;
  attemptsPerDelivery?: number;
  /** The longest pause between tries while paused by an outage. */
  maxRetryDelayMs?: number;
}

/**
 * Consumes a fact queue in batches. While a batch commits, the messages that arrive gather in a
 * buffer; when the commit is done they become the next batch at once (up to `batchSize`), so a busy
 * queue is drained in full batches. An idle consumer waits at most `maxWaitMs` for a first message's
 * companions, so a lone message is held back no longer than that. One ack covers the whole batch: batches run one
 * after another, so a multiple-ack settles exactly the batch. If the handler fails, it is retried in
 * this process after growing pauses; if it still fails (an outage: the handler isolates what one
 * message's content breaks), the consumer stops taking messages and keeps trying the same batch,
 * then resumes by itself. Nothing goes back towards the queue's delivery limit while it waits; a
 * poison message goes back at once, and the delivery limit dead-letters it.
 */
export class BatchConsumer {
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private buffer: ConsumeMessage[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private busy = false;
  private stopped = false;
  /** True while an outage keeps the consumer from taking messages. */
  paused = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: BatchConsumerOptions,
  ) {}

  private get batchSize(): number {
    return this.options.batchSize ?? 500;
  }

  async start(): Promise<void> {
    await this.connection.onConnected(async (model) => {
      if (this.stopped) return;
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      await declareExchanges(channel);
      await declareFactQueue(model, this.options.queue);
      await channel.prefetch(this.batchSize * 2);
      // Whatever the previous channel buffered is redelivered on this one.
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.buffer = [];
      this.channel = channel;
      const { consumerTag } = await channel.consume(
        this.options.queue.name,
        (message) => message && this.collect(channel, message),
        {
          noAck: false,
        },
      );
      this.consumerTag = consumerTag;
      return channel;
    });
  }

  /** Stops taking messages, handles what is buffered, waits for the batch in flight, closes the channel. */
  async stop(): Promise<void> {
    this.stopped = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    while (channel && (this.busy || this.buffer.length > 0)) {
      this.flush(channel);
      await this.chain;
    }
    if (channel) await channel.close().catch(() => undefined);
    this.channel = null;
  }

  private collect(channel: Channel, message: ConsumeMessage): void {
    if (channel !== this.channel) return;
    this.buffer.push(message);
    if (this.busy) return;
    if (this.buffer.length >= this.batchSize) {
      this.flush(channel);
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(channel), this.options.maxWaitMs ?? 5);
    }
  }

  /** Hands up to one batch of the buffer to the handler; what is left waits for that batch's end. */
  private flush(channel: Channel): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.busy || this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.batchSize);
    this.busy = true;
    this.chain = this.process(channel, batch).finally(() => {
      this.busy = false;
      // The buffer only ever holds deliveries of the current channel (a reconnect empties it).
      if (this.channel) this.flush(this.channel);
    });
  }

  /**
   * Acks the batch through its last delivery; false when the channel closed meanwhile (a lost
   * connection): the broker then redelivers the batch, and handling a batch again is harmless.
   */
  private ackThrough(channel: Channel, batch: ConsumeMessage[]): boolean {
    try {
      channel.ack(batch[batch.length - 1], true);
    } catch {
      return false;
    }
    messagingMetrics.consumed.inc({ queue: this.options.queue.name }, batch.length);
    return true;
  }

  private async process(channel: Channel, batch: ConsumeMessage[]): Promise<void> {
    const last = batch[batch.length - 1];
    try {
      await retryTransient(() => this.options.handleBatch(batch), {
        attempts: this.options.attemptsPerDelivery ?? DEFAULT_ATTEMPTS_PER_DELIVERY,
        baseDelayMs: this.options.retryDelayMs ?? 500,
        stopping: () => this.stopped,
        onRetry: (error, attempt) =>
          this.options.logger.warn(
            { ...batchFields(this.options.queue.name, batch), attempt, error: error.message },
            'handling a batch failed; retrying',
          ),
      });
    } catch (error) {
      if (!(error instanceof PoisonMessageError) && !this.stopped && (await this.waitOut(channel, batch))) return;
      messagingMetrics.rejected.inc({ queue: this.options.queue.name }, batch.length);
      this.options.logger.warn(
        { ...batchFields(this.options.queue.name, batch), error: (error as Error).message },
        'handling a batch failed; handing it back for redelivery',
      );
      try {
        channel.nack(last, true, true);
      } catch {
        // The channel closed meanwhile: the broker redelivers the unacked batch by itself.
      }
      return;
    }
    this.ackThrough(channel, batch);
  }

  /**
   * Stops taking messages and tries the batch until it passes (true: acked and consuming again, or its
   * channel closed meanwhile and the broker has it back), the consumer stops, or the channel is replaced
   * (false: the batch goes back, or was already handed back).
   */
  private async waitOut(channel: Channel, batch: ConsumeMessage[]): Promise<boolean> {
    const fields = batchFields(this.options.queue.name, batch);
    if (this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    this.consumerTag = null;
    this.paused = true;
    this.options.logger.warn(fields, 'handling a batch keeps failing; consuming paused until it passes');
    let delayMs = this.options.retryDelayMs ?? 500;
    try {
      while (!this.stopped && channel === this.channel) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayMs = Math.min(delayMs * 2, this.options.maxRetryDelayMs ?? 5_000);
        if (this.stopped || channel !== this.channel) return false;
        try {
          await this.options.handleBatch(batch);
        } catch (error) {
          if (error instanceof PoisonMessageError) return false;
          this.options.logger.warn({ ...fields, error: (error as Error).message }, 'still failing; consuming paused');
          continue;
        }
        // The connection was lost while the batch waited: the broker has it back for the next channel.
        if (!this.ackThrough(channel, batch)) return true;
        try {
          const { consumerTag } = await channel.consume(
            this.options.queue.name,
            (message) => message && this.collect(channel, message),
            { noAck: false },
          );
          this.consumerTag = consumerTag;
        } catch {
          // The channel closed: its setup runs again on a new one, which consumes.
          return true;
        }
        this.options.logger.info(fields, 'the batch passed; consuming again');
        return true;
      }
      return channel !== this.channel;
    } finally {
      this.paused = false;
    }
  }
}
