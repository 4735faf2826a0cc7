import type { ConsumeMessage, Message } from 'amqplib';
import { createEnvelope, Exchanges } from '@chargeflow/contracts';
import { createIsolatedVhost, RecordingLogger, waitFor, type IsolatedVhost } from '@chargeflow/testing';
import { AmqpConnection } from './amqp-connection';
import { ConfirmPublisher } from './confirm-publisher';
import { MessageConsumer } from './message-consumer';
import { PoisonMessageError } from './poison-message.error';
import { deadLetterQueueOf, type FactQueue } from './topology';

describe('ConfirmPublisher and MessageConsumer on a real broker', () => {
  let vhost: IsolatedVhost;
  let connection: AmqpConnection;
  let publisher: ConfirmPublisher;
  const logger = new RecordingLogger();
  const queue: FactQueue = {
    name: 'test.samples',
    bindings: [{ exchange: Exchanges.events, routingKey: 'test.#' }],
    deliveryLimit: 2,
  };

  beforeAll(async () => {
    vhost = await createIsolatedVhost('consumer');
    connection = await AmqpConnection.open({ url: vhost.url, name: 'consumer-test', logger });
    publisher = await ConfirmPublisher.create(connection);
  });

  afterAll(async () => {
    await connection.close();
    await vhost.remove();
  });

  async function drainDeadLetters(): Promise<Message[]> {
    const channel = await connection.current().createChannel();
    const messages: Message[] = [];
    for (;;) {
      const message = await channel.get(deadLetterQueueOf(queue.name), { noAck: false });
      if (!message) break;
      messages.push(message);
      channel.ack(message);
    }
    await channel.close();
    return messages;
  }

  async function consumeWith(handler: (message: ConsumeMessage) => Promise<void>): Promise<MessageConsumer> {
    const consumer = new MessageConsumer(connection, { queue, handler, logger, prefetch: 10, retryDelayMs: 10 });
    await consumer.start();
    return consumer;
  }

  it('delivers a confirmed message and acks it after the handler resolved', async () => {
    const received: string[] = [];
    const consumer = await consumeWith(async (message) => {
      received.push(JSON.parse(message.content.toString()).payload.n);
    });
    await publisher.publishEnvelope(
      Exchanges.events,
      'test.one',
      createEnvelope('test.one', { n: 'first' }, { correlationId: 'c-1' }),
    );
    await waitFor(async () => (received.length === 1 ? true : undefined), 5_000, 'the message');
    await consumer.stop();
    expect(received).toEqual(['first']);
  });

  it('moves a poison message to the dead-letter queue with its reason and keeps consuming', async () => {
    const received: string[] = [];
    const consumer = await consumeWith(async (message) => {
      const body = JSON.parse(message.content.toString());
      if (body.payload.bad) throw new PoisonMessageError('INVALID_PAYLOAD', 'bad is not allowed');
      received.push(body.payload.n);
    });
    await publisher.publishEnvelope(
      Exchanges.events,
      'test.poison',
      createEnvelope('test.poison', { bad: true }, { correlationId: 'c-2' }),
    );
    await publisher.publishEnvelope(
      Exchanges.events,
      'test.good',
      createEnvelope('test.good', { n: 'after' }, { correlationId: 'c-3' }),
    );
    await waitFor(
      async () => (received.includes('after') ? true : undefined),
      5_000,
      'the message after the poison one',
    );
    await consumer.stop();

    const [deadLetter, ...others] = await drainDeadLetters();
    expect(others).toHaveLength(0);
    expect(deadLetter.properties.headers?.['x-rejection-reason']).toBe('INVALID_PAYLOAD');
    expect(deadLetter.properties.headers?.['x-original-routing-key']).toBe('test.poison');
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'dead-lettering a message',
        fields: expect.objectContaining({ queue: queue.name, correlationId: 'c-2', reason: 'INVALID_PAYLOAD' }),
      }),
    );
  });

  it('redelivers a message whose handler fails, and dead-letters it at the delivery limit instead of looping', async () => {
    let attempts = 0;
    const consumer = await consumeWith(async () => {
      attempts += 1;
      throw new Error('database unavailable');
    });
    await publisher.publishEnvelope(
      Exchanges.events,
      'test.failing',
      createEnvelope('test.failing', { n: 'x' }, { correlationId: 'c-4' }),
    );
    const deadLetters = await waitFor(
      async () => {
        const messages = await drainDeadLetters();
        return messages.length > 0 ? messages : undefined;
      },
      10_000,
      'the dead-lettered message',
    );
    await consumer.stop();
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        message: 'handling a message failed; retrying',
        fields: expect.objectContaining({ correlationId: 'c-4', attempt: 1, error: 'database unavailable' }),
      }),
    );
    expect(deadLetters[0].properties.headers?.['x-death']?.[0]?.reason).toBe('delivery_limit');
  });

  it('reopens a channel the broker closed for an error, while the connection stays up', async () => {
    const received: string[] = [];
    const consumer = await consumeWith(async (message) => {
      received.push(JSON.parse(message.content.toString()).payload.n);
    });
    await expect(
      publisher.publishEnvelope('no.such.exchange', 'x', createEnvelope('x', { n: 'lost' }, { correlationId: 'c-6' })),
    ).rejects.toThrow();
    await waitFor(
      async () => {
        await publisher.publishEnvelope(
          Exchanges.events,
          'test.after-error',
          createEnvelope('test.after-error', { n: 'after-error' }, { correlationId: 'c-7' }),
        );
        return true;
      },
      10_000,
      'a confirmed publish on the reopened channel',
      100,
    );
    await waitFor(
      async () => (received.includes('after-error') ? true : undefined),
      10_000,
      'delivery after the channel error',
    );
    expect(connection.isConnected).toBe(true);
    await consumer.stop();
  });

  it('resumes publishing after the broker drops the connection', async () => {
    const received: string[] = [];
    const consumer = await consumeWith(async (message) => {
      received.push(JSON.parse(message.content.toString()).payload.n);
    });
    await vhost.dropConnections();
    await waitFor(async () => (connection.isConnected ? true : undefined), 10_000, 'the reconnection', 50);
    await waitFor(
      async () => {
        await publisher.publishEnvelope(
          Exchanges.events,
          'test.again',
          createEnvelope('test.again', { n: 'again' }, { correlationId: 'c-5' }),
        );
        return true;
      },
      10_000,
      'a confirmed publish after reconnecting',
    );
    await waitFor(async () => (received.includes('again') ? true : undefined), 10_000, 'delivery after reconnecting');
    await consumer.stop();
  });
});
