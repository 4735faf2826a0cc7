import type { Channel, ConfirmChannel } from 'amqplib';
import { createEnvelope, Exchanges } from '@chargeflow/contracts';
import { waitFor } from './wait-for';

/**
 * Publishes events on the events exchange, each in its envelope routed by its type, as a service's
 * outbox does, and waits for the broker's confirms; a given messageId stands for a redelivery or a
 * republication. Resolves the message ids.
 */
export async function publishEvents(
  channel: ConfirmChannel,
  events: { type: string; payload: object; messageId?: string }[],
  correlationId = 'test',
): Promise<string[]> {
  const ids = events.map(({ type, payload, messageId }) => {
    const envelope = createEnvelope(type, payload, { correlationId });
    const message = messageId ? { ...envelope, messageId } : envelope;
    channel.publish(Exchanges.events, type, Buffer.from(JSON.stringify(message)), {
      persistent: true,
      contentType: 'application/json',
      messageId: message.messageId,
    });
    return message.messageId;
  });
  await channel.waitForConfirms();
  return ids;
}

/**
 * Publishes events (see publishEvents) while their consumer is stopped, then starts it again, so that
 * they reach it together, in one batch. Resolves the message ids.
 */
export async function publishWhileStopped(
  channel: ConfirmChannel,
  consumer: { stop(): Promise<void>; start(): Promise<void> },
  events: { type: string; payload: object; messageId?: string }[],
  correlationId?: string,
): Promise<string[]> {
  await consumer.stop();
  const ids = await publishEvents(channel, events, correlationId);
  await consumer.start();
  return ids;
}

/** A message a consumer dead-lettered: its id, and the reason and detail it was refused with. */
export interface DeadLetter {
  messageId: string;
  reason: string;
  detail: string;
}

/** Takes `expected` messages off a dead-letter queue (waiting up to 20 s for them) and resolves them. */
export async function takeDeadLetters(
  channel: Channel,
  deadLetterQueue: string,
  expected: number,
): Promise<DeadLetter[]> {
  const taken: DeadLetter[] = [];
  await waitFor(
    async () => {
      // Taken, not consumed: what the test asserts on leaves the queue with it.
      const message = await channel.get(deadLetterQueue, { noAck: true });
      if (message)
        taken.push({
          messageId: String(message.properties.messageId),
          reason: String(message.properties.headers?.['x-rejection-reason']),
          detail: String(message.properties.headers?.['x-rejection-detail']),
        });
      return taken.length >= expected ? true : undefined;
    },
    20_000,
    `${expected} dead letters on ${deadLetterQueue}`,
  );
  return taken;
}
