import { setTimeout as sleep } from 'node:timers/promises';
import { createEnvelope, Exchanges } from '@chargeflow/contracts';
import { createIsolatedVhost, RecordingLogger, waitFor, type IsolatedVhost } from '@chargeflow/testing';
import { AmqpConnection } from './amqp-connection';
import { BatchConsumer } from './batch-consumer';
import { ConfirmPublisher } from './confirm-publisher';
import type { FactQueue } from './topology';

describe('BatchConsumer on a real broker', () => {
  let vhost: IsolatedVhost;
  let connection: AmqpConnection;
  let publisher: ConfirmPublisher;
  const logger = new RecordingLogger();
  const queue: FactQueue = { name: 'test.batches', bindings: [{ exchange: Exchanges.events, routingKey: 'batch.#' }] };

  beforeAll(async () => {
    vhost = await createIsolatedVhost('batches');
    connection = await AmqpConnection.open({ url: vhost.url, name: 'batch-test', logger });
    publisher = await ConfirmPublisher.create(connection);
  });

  afterAll(async () => {
    await connection.close();
    await vhost.remove();
  });

  const publish = (count: number, from: number) =>
    Promise.all(
      Array.from({ length: count }, (_, index) =>
        publisher.publishEnvelope(
          Exchanges.events,
          'batch.sample',
          createEnvelope('batch.sample', { n: from + index }, { correlationId: 'c-batch' }),
        ),
      ),
    );

  async function readyMessages(): Promise<number> {
    const channel = await connection.current().createChannel();
    try {
      return (await channel.checkQueue(queue.name)).messageCount;
    } finally {
      await channel.close();
    }
  }

  it('gathers what arrives during a commit into the next batch, in order, and acks every message once', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstCommit = new Promise<void>((resolve) => (release = resolve));
    const consumer = new BatchConsumer(connection, {
      queue,
      logger,
      batchSize: 100,
      handleBatch: async (messages) => {
        batches.push(messages.map((message) => JSON.parse(message.content.toString()).payload.n as number));
        if (batches.length === 1) await firstCommit;
      },
    });
    await consumer.start();

    await publish(1, 0);
    await waitFor(async () => (batches.length === 1 ? true : undefined), 5_000, 'the first batch');
    // Five trickles, further apart than the partial-batch wait, arrive while the first batch commits.
    for (let trickle = 0; trickle < 5; trickle += 1) {
      await publish(10, 1 + trickle * 10);
      await sleep(20);
    }
    await waitFor(
      async () => ((await readyMessages()) === 0 ? true : undefined),
      5_000,
      'every message delivered to the consumer',
    );
    await sleep(200);
    release();
    await waitFor(async () => (batches.flat().length === 51 ? true : undefined), 5_000, 'every message handled');
    await consumer.stop();

    expect(batches).toEqual([[0], Array.from({ length: 50 }, (_, index) => 1 + index)]);
    expect(await readyMessages()).toBe(0);
  });

  it('cuts a busy queue into full batches and hands over what is buffered when it stops', async () => {
    const sizes: number[] = [];
    const consumer = new BatchConsumer(connection, {
      queue,
      logger,
      batchSize: 40,
      handleBatch: async (messages) => {
        sizes.push(messages.length);
        await sleep(30);
      },
    });
    await publish(200, 0);
    await consumer.start();
    await waitFor(
      async () => (sizes.reduce((sum, size) => sum + size, 0) >= 80 ? true : undefined),
      5_000,
      'two batches',
    );
    await consumer.stop();

    const handled = sizes.reduce((sum, size) => sum + size, 0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(40);
    // The first batch may leave partial after the 5 ms wait on a busy machine; the next ones are full.
    expect(sizes.some((size) => size === 40)).toBe(true);
    // Whatever stop() found delivered was handled and acked; the rest is still in the queue, nothing lost.
    expect(handled + (await readyMessages())).toBe(200);
  });

  it('logs a failed batch as JSON fields with its correlation ids, retries it in process and acks it once it passes', async () => {
    let attempts = 0;
    const consumer = new BatchConsumer(connection, {
      queue,
      logger,
      batchSize: 10,
      retryDelayMs: 10,
      handleBatch: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('database unavailable');
      },
    });
    await consumer.start();
    await publish(3, 0);
    await waitFor(async () => (attempts >= 2 ? true : undefined), 5_000, 'the retried batch');
    await waitFor(async () => ((await readyMessages()) === 0 ? true : undefined), 5_000, 'the batch acked');
    await consumer.stop();

    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'handling a batch failed; retrying',
      fields: expect.objectContaining({
        queue: queue.name,
        batchSize: expect.any(Number),
        correlationIds: ['c-batch'],
        attempt: 1,
        error: 'database unavailable',
      }),
    });
  });

  it('stops consuming while a batch keeps failing, hands nothing back, and resumes by itself once it passes', async () => {
    let failing = true;
    const seen: { n: number; redelivered: boolean }[] = [];
    const consumer = new BatchConsumer(connection, {
      queue,
      logger,
      batchSize: 10,
      retryDelayMs: 10,
      maxRetryDelayMs: 50,
      attemptsPerDelivery: 2,
      handleBatch: async (messages) => {
        if (failing) throw new Error('database unavailable');
        for (const message of messages)
          seen.push({ n: JSON.parse(message.content.toString()).payload.n, redelivered: message.fields.redelivered });
      },
    });
    await consumer.start();
    await publish(5, 100);
    await waitFor(async () => (consumer.paused ? true : undefined), 5_000, 'the consumer paused');
    await publish(3, 200);
    await sleep(300);
    // Paused: what arrives meanwhile stays in the queue.
    expect(await readyMessages()).toBe(3);
    failing = false;
    await waitFor(async () => (seen.length === 8 ? true : undefined), 5_000, 'every message handled');
    await waitFor(async () => ((await readyMessages()) === 0 ? true : undefined), 5_000, 'all acked');
    await consumer.stop();
    expect(seen.map((entry) => entry.n).sort()).toEqual([100, 101, 102, 103, 104, 200, 201, 202]);
    expect(seen.every((entry) => !entry.redelivered)).toBe(true);
  });

  it('lets a paused batch that passes after its connection was lost go back to the broker, without acking on the dead channel', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let failing = true;
    let gate: Promise<void> | null = null;
    let release!: () => void;
    let waiting = false;
    const seen: { n: number; redelivered: boolean }[] = [];
    const consumer = new BatchConsumer(connection, {
      queue,
      logger,
      batchSize: 10,
      retryDelayMs: 10,
      maxRetryDelayMs: 50,
      attemptsPerDelivery: 2,
      handleBatch: async (messages) => {
        if (gate) {
          waiting = true;
          await gate;
        }
        if (failing) throw new Error('database unavailable');
        for (const message of messages)
          seen.push({ n: JSON.parse(message.content.toString()).payload.n, redelivered: message.fields.redelivered });
      },
    });
    try {
      await consumer.start();
      await publish(5, 300);
      await waitFor(async () => (consumer.paused ? true : undefined), 5_000, 'the consumer paused');
      gate = new Promise<void>((resolve) => (release = resolve));
      failing = false;
      await waitFor(async () => (waiting ? true : undefined), 5_000, 'a retry under way');
      const connectedBefore = logger.lines.filter((line) => line.fields.event === 'broker.connected').length;
      await vhost.dropConnections();
      await waitFor(
        async () =>
          logger.lines.filter((line) => line.fields.event === 'broker.connected').length > connectedBefore
            ? true
            : undefined,
        10_000,
        'the reconnection',
      );
      gate = null;
      // The retry passes now, on a channel that is gone.
      release();
      await waitFor(async () => (seen.some((entry) => entry.redelivered) ? true : undefined), 10_000, 'the redelivery');
      await waitFor(async () => ((await readyMessages()) === 0 ? true : undefined), 5_000, 'all acked');
      await consumer.stop();
      expect([...new Set(seen.map((entry) => entry.n))].sort()).toEqual([300, 301, 302, 303, 304]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
