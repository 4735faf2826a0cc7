import type { ConfirmChannel } from 'amqplib';
import { createEnvelope, Exchanges } from '@chargeflow/contracts';

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
