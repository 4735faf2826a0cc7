import type { Message } from 'amqplib';
import { createEnvelope, Exchanges } from '@chargeflow/contracts';
import { createIsolatedVhost, RecordingLogger, waitFor, type IsolatedVhost } from '@chargeflow/testing';
import { AmqpConnection } from './amqp-connection';
import { ConfirmPublisher } from './confirm-publisher';
import { countDeadLetters, replayDeadLetters, routingKeyOf } from './dead-letters';
import { MessageConsumer } from './message-consumer';
import { deadLetterQueueOf, type FactQueue } from './topology';

describe('dead-letter replay on a real broker', () => {
  let vhost: IsolatedVhost;
  let connection: AmqpConnection;
  let publisher: ConfirmPublisher;
  const logger = new RecordingLogger();
  const queue: FactQueue = {
    name: 'test.replay',
    bindings: [{ exchange: Exchanges.events, routingKey: 'replay.#' }],
    deliveryLimit: 1,
  };

  beforeAll(async () => {
    vhost = await createIsolatedVhost('replay');
    connection = await AmqpConnection.open({ url: vhost.url, name: 'replay-test', logger });
    publisher = await ConfirmPublisher.create(connection);
  });

  afterAll(async () => {
    await connection.close();
    await vhost.remove();
  });

  const waiting = async () => (await countDeadLetters(connection.current(), [queue.name]))[0].waiting;

  it('brings back what an outage dead-lettered, once each, with no broker history, and at most what it found', async () => {
    let databaseUp = false;
    const handled: Message[] = [];
    const consumer = new MessageConsumer(connection, {
      queue,
      logger,
      prefetch: 10,
      retryDelayMs: 5,
      attemptsPerDelivery: 1,
      handler: async (message) => {
        if (!databaseUp) throw new Error('database unavailable');
        handled.push(message);
      },
    });
    await consumer.start();
    for (const n of [1, 2, 3]) {
      await publisher.publishEnvelope(
        Exchanges.events,
        'replay.fact',
        createEnvelope('replay.fact', { n }, { correlationId: `c-${n}` }),
      );
    }
    await waitFor(async () => ((await waiting()) === 3 ? true : undefined), 15_000, 'three dead letters');

    databaseUp = true;
    expect(await replayDeadLetters(connection.current(), queue.name, 2)).toBe(2);
    expect(await replayDeadLetters(connection.current(), queue.name)).toBe(1);
    await waitFor(async () => (handled.length === 3 ? true : undefined), 10_000, 'the replayed messages handled');
    await consumer.stop();

    const payloads = handled.map((message) => JSON.parse(message.content.toString()).payload.n as number);
    expect(payloads.sort()).toEqual([1, 2, 3]);
    expect(await waiting()).toBe(0);
    for (const message of handled) {
      expect(message.properties.headers?.['x-replayed-at']).toEqual(expect.any(String));
      expect(message.properties.headers?.['x-death']).toBeUndefined();
      expect(message.fields.exchange).toBe('');
      expect(routingKeyOf(message)).toBe('replay.fact');
      expect(message.properties.deliveryMode).toBe(2);
    }
    expect(await replayDeadLetters(connection.current(), queue.name)).toBe(0);
  });

  it('counts each queue’s dead letters and says which dead-letter queue does not exist yet', async () => {
    const counts = await countDeadLetters(connection.current(), [queue.name, 'test.never-declared']);
    expect(counts).toEqual([
      { queue: queue.name, deadLetterQueue: deadLetterQueueOf(queue.name), waiting: 0 },
      { queue: 'test.never-declared', deadLetterQueue: 'test.never-declared.dlq', waiting: null },
    ]);
  });
});
