import type { Channel, ChannelModel, Options } from 'amqplib';
import type { AmqpConnection } from './amqp-connection';
import {
  BILLING_CALCULATED_V2,
  Exchanges,
  Queues,
  rpcQueueOf,
  SESSION_FINALIZED_V1,
  SESSION_STARTED_V1,
  TELEMETRY_ROUTING,
  type BackendService,
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
 * Nodes a new quorum queue is replicated on: every node of a three-node cluster, so losing any one node
 * loses no confirmed message; a smaller cluster (or a single node) gets one replica per node.
 */
export const QUORUM_INITIAL_GROUP_SIZE = 3;

/** Runs `work` on a channel of its own: a refused declaration closes only that channel. */
async function onChannel<T>(model: ChannelModel, work: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  const result = await work(channel);
  await channel.close().catch(() => undefined);
  return result;
}

function isInequivalent(error: unknown): boolean {
  return (error as { code?: number }).code === 406 && /inequivalent arg/.test((error as Error).message);
}

/**
 * Declares a queue. Arguments fixed at creation (a quorum queue's initial group size, an RPC queue's
 * durability) must equal the existing queue's on every later declaration, so a queue an earlier release
 * created (`earlier`) is declared again as it was rather than refused.
 */
async function assertQueueAsCreated(
  model: ChannelModel,
  queue: string,
  options: Options.AssertQueue,
  earlier: Options.AssertQueue,
): Promise<void> {
  try {
    await onChannel(model, (channel) => channel.assertQueue(queue, options));
  } catch (error) {
    if (!isInequivalent(error)) throw error;
    await onChannel(model, (channel) => channel.assertQueue(queue, earlier));
  }
}

function quorumQueue(args: Record<string, unknown>): { options: Options.AssertQueue; earlier: Options.AssertQueue } {
  const earlier = { durable: true, arguments: { 'x-queue-type': 'quorum', ...args } };
  return {
    options: {
      ...earlier,
      arguments: { ...earlier.arguments, 'x-quorum-initial-group-size': QUORUM_INITIAL_GROUP_SIZE },
    },
    earlier,
  };
}

/**
 * Declares a fact queue and its dead-letter queue. The broker dead-letters with the queue's own name
 * as routing key, so every queue's rejects land in its own `<queue>.dlq`.
 */
export async function declareFactQueue(model: ChannelModel, queue: FactQueue): Promise<void> {
  const deadLetters = deadLetterQueueOf(queue.name);
  const deadLetterQueue = quorumQueue({});
  await assertQueueAsCreated(model, deadLetters, deadLetterQueue.options, deadLetterQueue.earlier);
  const factQueue = quorumQueue({
    'x-delivery-limit': queue.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
    'x-dead-letter-exchange': Exchanges.deadLetter,
    'x-dead-letter-routing-key': queue.name,
  });
  await assertQueueAsCreated(model, queue.name, factQueue.options, factQueue.earlier);
  await onChannel(model, async (channel) => {
    await channel.bindQueue(deadLetters, Exchanges.deadLetter, queue.name);
    for (const binding of queue.bindings) await channel.bindQueue(queue.name, binding.exchange, binding.routingKey);
  });
}

/**
 * Declares a service's RPC request queue, bound to the rpc exchange (declared too). Not durable: in a cluster, a
 * durable classic queue whose node is down cannot be declared anywhere until that node is back, while
 * a transient one goes with its node and is declared afresh on a surviving one. A request lost with a
 * node is one its caller's deadline already covers.
 */
export async function declareRpcQueue(model: ChannelModel, service: BackendService): Promise<string> {
  const queue = rpcQueueOf(service);
  await assertQueueAsCreated(
    model,
    queue,
    { durable: false, arguments: { 'x-queue-type': 'classic' } },
    { durable: true, arguments: { 'x-queue-type': 'classic' } },
  );
  await onChannel(model, async (channel) => {
    await declareExchanges(channel);
    await channel.bindQueue(queue, Exchanges.rpc, queue);
  });
  return queue;
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
export async function declareTopology(model: ChannelModel): Promise<void> {
  await onChannel(model, declareExchanges);
  for (const queue of Object.values(FactQueues)) await declareFactQueue(model, queue);
}

/** Runs the topology step now and after every reconnection (a broker that lost its state gets it back). */
export function declareTopologyOn(connection: AmqpConnection): Promise<void> {
  return connection.onConnected((model) => declareTopology(model));
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
