import type { Channel } from 'amqplib';
import { Exchanges } from '@chargeflow/contracts';

export interface Binding {
  exchange: string;
  routingKey: string;
}

/** A queue that carries facts: quorum, bounded redelivery, and a dead-letter queue of its own. */
export interface FactQueue {
  name: string;
  bindings: Binding[];
  /** Deliveries before the broker dead-letters a message (RabbitMQ 3.10 has no default). */
  deliveryLimit?: number;
}

export const DEFAULT_DELIVERY_LIMIT = 5;

export function deadLetterQueueOf(queue: string): string {
  return `${queue}.dlq`;
}

export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(Exchanges.events, 'topic', { durable: true });
  await channel.assertExchange(Exchanges.telemetry, 'topic', { durable: true });
  await channel.assertExchange(Exchanges.rpc, 'direct', { durable: true });
  await channel.assertExchange(Exchanges.deadLetter, 'direct', { durable: true });
}

/**
 * Declares a fact queue and its dead-letter queue. The broker dead-letters with the queue's own name
 * as routing key, so every queue's rejects land in its own `<queue>.dlq`.
 */
export async function declareFactQueue(channel: Channel, queue: FactQueue): Promise<void> {
  const deadLetters = deadLetterQueueOf(queue.name);
  await channel.assertQueue(deadLetters, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(deadLetters, Exchanges.deadLetter, queue.name);
  await channel.assertQueue(queue.name, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': queue.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
      'x-dead-letter-exchange': Exchanges.deadLetter,
      'x-dead-letter-routing-key': queue.name,
    },
  });
  for (const binding of queue.bindings) {
    await channel.bindQueue(queue.name, binding.exchange, binding.routingKey);
  }
}
