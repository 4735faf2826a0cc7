import type { Channel } from 'amqplib';
import type { AmqpConnection } from './amqp-connection';
import {
  BILLING_CALCULATED_V2,
  Exchanges,
  Queues,
  SESSION_FINALIZED_V1,
  SESSION_STARTED_V1,
  TELEMETRY_ROUTING,
} from '@chargeflow/contracts';

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

/**
 * Every fact queue with its bindings and final arguments, in one place: the topology step declares
 * them all before anything accepts traffic, and each consumer declares (the same) one again.
 */
export const FactQueues = {
  telemetrySamples: {
    name: Queues.telemetrySamples,
    bindings: [
      { exchange: Exchanges.telemetry, routingKey: TELEMETRY_ROUTING.allVehicleSamples },
      { exchange: Exchanges.telemetry, routingKey: TELEMETRY_ROUTING.allStationMeters },
    ],
  },
  telemetrySessionEvents: {
    name: Queues.telemetrySessionEvents,
    bindings: [{ exchange: Exchanges.events, routingKey: SESSION_STARTED_V1 }],
  },
  pricingFinalizedSessions: {
    name: Queues.pricingFinalizedSessions,
    bindings: [{ exchange: Exchanges.events, routingKey: SESSION_FINALIZED_V1 }],
  },
  analyticsEvents: {
    name: Queues.analyticsEvents,
    bindings: [
      { exchange: Exchanges.events, routingKey: SESSION_FINALIZED_V1 },
      { exchange: Exchanges.events, routingKey: BILLING_CALCULATED_V2 },
    ],
  },
} as const satisfies Record<string, FactQueue>;

/**
 * The topology step: exchanges, every fact queue and its bindings. Devices cannot declare queues (and
 * MQTT publishers never do), so a sample published before its consumer first starts is kept only
 * because this ran first: every service's start and `npm start` run it.
 */
export async function declareTopology(channel: Channel): Promise<void> {
  await declareExchanges(channel);
  for (const queue of Object.values(FactQueues)) await declareFactQueue(channel, queue);
}

/** Runs the topology step now and after every reconnection (a broker that lost its state gets it back). */
export function declareTopologyOn(connection: AmqpConnection): Promise<void> {
  return connection.onConnected(async (model) => {
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    await declareTopology(channel);
    await channel.close();
  });
}

/** Whether an AMQP topic binding pattern (`*` one word, `#` any words) matches a routing key. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const match = (p: string[], k: string[]): boolean => {
    if (p.length === 0) return k.length === 0;
    if (p[0] === '#') return match(p.slice(1), k) || (k.length > 0 && match(p, k.slice(1)));
    return k.length > 0 && (p[0] === '*' || p[0] === k[0]) && match(p.slice(1), k.slice(1));
  };
  return match(pattern.split('.'), routingKey.split('.'));
}

/**
 * Whether a fact queue of the topology takes this message: such a publish must be routed (mandatory),
 * and a return means it would be lost. Events no service consumes (kept for third parties) may go unrouted.
 */
export function isFactRoute(exchange: string, routingKey: string): boolean {
  return Object.values(FactQueues).some((queue) =>
    queue.bindings.some((binding) => binding.exchange === exchange && topicMatches(binding.routingKey, routingKey)),
  );
}
