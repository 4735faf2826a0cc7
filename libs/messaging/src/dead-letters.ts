import type { ChannelModel, ConsumeMessage, GetMessage, Message, Options } from 'amqplib';
import { Exchanges } from '@chargeflow/contracts';
import type { ConfirmPublisher } from './confirm-publisher';
import { messagingMetrics } from './messaging-metrics';
import type { PoisonMessageError } from './poison-message.error';
import { deliveryFields, type StructuredLogger } from './structured-logger';
import { deadLetterQueueOf } from './topology';

export interface DeadLetterCount {
  queue: string;
  deadLetterQueue: string;
  /** Messages waiting in the dead-letter queue, or null when it has not been declared yet. */
  waiting: number | null;
}

/** How many messages wait in each queue's `<queue>.dlq`. */
export async function countDeadLetters(model: ChannelModel, queues: readonly string[]): Promise<DeadLetterCount[]> {
  const counts: DeadLetterCount[] = [];
  for (const queue of queues) {
    const deadLetterQueue = deadLetterQueueOf(queue);
    // A missing queue closes the channel that asked: one channel per question.
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      counts.push({ queue, deadLetterQueue, waiting: (await channel.checkQueue(deadLetterQueue)).messageCount });
      await channel.close();
    } catch {
      counts.push({ queue, deadLetterQueue, waiting: null });
    }
  }
  return counts;
}

export const ORIGINAL_EXCHANGE_HEADER = 'x-original-exchange';
export const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';

/**
 * Where a message was first published, through dead-lettering and replay: the headers a dead-lettering
 * consumer or a replay wrote, else the broker's own `x-death` record, else the delivery itself.
 */
export function firstPublicationOf(message: Message): { exchange: string; routingKey: string } {
  const headers = message.properties.headers ?? {};
  const death = (headers['x-death'] as { exchange?: string; 'routing-keys'?: string[] }[] | undefined)?.[0];
  return {
    exchange: String(headers[ORIGINAL_EXCHANGE_HEADER] ?? death?.exchange ?? message.fields.exchange),
    routingKey: String(
      headers[ORIGINAL_ROUTING_KEY_HEADER] ?? death?.['routing-keys']?.[0] ?? message.fields.routingKey,
    ),
  };
}

/**
 * How a consumer publishes a message it refuses to the dead-letter exchange (routed by its queue's
 * name): as it came, with the reason, and where it was first published so a replay can route it.
 */
export function deadLetterOptions(message: Message, error: PoisonMessageError): Options.Publish {
  const origin = firstPublicationOf(message);
  return {
    ...message.properties,
    headers: {
      ...message.properties.headers,
      'x-rejection-reason': error.reason,
      'x-rejection-detail': error.message.slice(0, 1_000),
      [ORIGINAL_EXCHANGE_HEADER]: origin.exchange,
      [ORIGINAL_ROUTING_KEY_HEADER]: origin.routingKey,
    },
    persistent: true,
  };
}

/**
 * A batch consumer's refusal of one message: logged with the message's ids and the reason, published
 * to the queue's dead-letter queue through the confirming publisher, and counted.
 */
export async function publishDeadLetter(
  publisher: ConfirmPublisher,
  queue: string,
  message: ConsumeMessage,
  error: PoisonMessageError,
  logger: StructuredLogger,
): Promise<void> {
  logger.warn(
    { ...deliveryFields(queue, message), reason: error.reason, error: error.message },
    'dead-lettering a message',
  );
  await publisher.publish(Exchanges.deadLetter, queue, message.content, deadLetterOptions(message, error));
  messagingMetrics.deadLettered.inc({ queue, reason: error.reason });
}

/**
 * The routing key a consumer should judge a message by. A replayed message comes through the default
 * exchange, addressed to the queue itself, and carries its first routing key in a header; only then is
 * the header trusted, since publishers to the real exchanges could write it too.
 */
export function routingKeyOf(message: Message): string {
  const original = message.properties.headers?.[ORIGINAL_ROUTING_KEY_HEADER];
  return message.fields.exchange === '' && typeof original === 'string' ? original : message.fields.routingKey;
}

const REPLAY_BATCH = 100;

/** Headers the broker writes when it dead-letters; a replayed message starts its history afresh. */
const BROKER_HEADERS = [
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
];

/**
 * Moves messages from `<queue>.dlq` back to `<queue>` once their cause is fixed (an outage that outlasted
 * the retries, a consumer bug). Each copy goes straight to the queue through the default exchange, with
 * its first exchange and routing key in headers (see routingKeyOf), and
 * the dead letter is acked only after the broker confirmed its copy: a crash in between leaves a
 * duplicate, which consumers already ignore, never a loss. At most the messages present when it starts
 * are moved (or `limit`), so a message that fails again does not loop. Resolves how many moved.
 */
export async function replayDeadLetters(
  model: ChannelModel,
  queue: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<number> {
  const deadLetterQueue = deadLetterQueueOf(queue);
  const channel = await model.createConfirmChannel();
  // A missing queue closes the channel with an error; the awaited call below rejects with it.
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(queue);
    const { messageCount } = await channel.checkQueue(deadLetterQueue);
    const total = Math.min(messageCount, limit);
    let moved = 0;
    while (moved < total) {
      const batch: GetMessage[] = [];
      while (batch.length < Math.min(REPLAY_BATCH, total - moved)) {
        const message = await channel.get(deadLetterQueue, { noAck: false });
        if (!message) break;
        batch.push(message);
      }
      if (batch.length === 0) break;
      for (const message of batch) {
        const origin = firstPublicationOf(message);
        const headers: Record<string, unknown> = {
          ...message.properties.headers,
          [ORIGINAL_EXCHANGE_HEADER]: origin.exchange,
          [ORIGINAL_ROUTING_KEY_HEADER]: origin.routingKey,
          'x-replayed-at': new Date().toISOString(),
        };
        for (const header of BROKER_HEADERS) delete headers[header];
        channel.sendToQueue(queue, message.content, {
          ...message.properties,
          headers,
          persistent: true,
        });
      }
      await channel.waitForConfirms();
      channel.ack(batch[batch.length - 1], true);
      moved += batch.length;
    }
    return moved;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
