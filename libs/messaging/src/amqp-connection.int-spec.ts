import { connect } from 'amqplib';
import { createIsolatedVhost, freePort, RecordingLogger, waitFor, type IsolatedVhost } from '@chargeflow/testing';
import { AmqpConnection } from './amqp-connection';

/**
 * RABBITMQ_URLS failover on a real broker: two virtual hosts stand for two nodes of a cluster (each
 * URL its own place), and a port nobody listens on for a node that is down.
 */
describe('AmqpConnection over several broker URLs', () => {
  let first: IsolatedVhost;
  let second: IsolatedVhost;
  const open: AmqpConnection[] = [];

  beforeAll(async () => {
    [first, second] = await Promise.all([createIsolatedVhost('failover_a'), createIsolatedVhost('failover_b')]);
  });

  afterAll(async () => {
    await Promise.all(open.map((connection) => connection.close()));
    await Promise.all([first.remove(), second.remove()]);
  });

  /** Whether a connection's setup ran in this virtual host: the probe queue it declares is there. */
  async function probeIn(vhost: IsolatedVhost, probe: string): Promise<boolean> {
    const model = await connect(vhost.url);
    model.on('error', () => undefined);
    try {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      await channel.checkQueue(probe);
      return true;
    } catch {
      return false;
    } finally {
      await model.close().catch(() => undefined);
    }
  }

  async function openOn(urls: string[], logger: RecordingLogger, probe: string): Promise<AmqpConnection> {
    const connection = await AmqpConnection.open({
      url: urls[0],
      urls,
      name: 'failover-test',
      logger,
      minRetryDelayMs: 50,
      maxRetryDelayMs: 200,
    });
    open.push(connection);
    await connection.onConnected(async (model) => {
      const channel = await model.createChannel();
      await channel.assertQueue(probe, { durable: false });
      await channel.close();
    });
    return connection;
  }

  it('starts on the next URL when the first node does not answer', async () => {
    const down = `amqp://guest:guest@127.0.0.1:${await freePort()}`;
    const logger = new RecordingLogger();
    await openOn([down, first.url], logger, 'probe.start');
    expect(await probeIn(first, 'probe.start')).toBe(true);
    const connected = logger.lines.filter((line) => line.fields.event === 'broker.connected');
    expect(connected.map((line) => line.fields.url)).toEqual([expect.stringContaining(first.name)]);
  });

  it('goes on to the next node when its connection is lost, and runs every setup there', async () => {
    const logger = new RecordingLogger();
    const connection = await openOn([second.url, first.url], logger, 'probe.lost');
    expect([await probeIn(second, 'probe.lost'), await probeIn(first, 'probe.lost')]).toEqual([true, false]);
    await second.dropConnections();
    await waitFor(
      async () =>
        logger.lines.filter((line) => line.fields.event === 'broker.connected').length === 2 ? true : undefined,
      20_000,
      'the reconnection',
      50,
    );
    const connected = logger.lines.filter((line) => line.fields.event === 'broker.connected');
    expect(connected.map((line) => line.fields.url)).toEqual([
      expect.stringContaining(second.name),
      expect.stringContaining(first.name),
    ]);
    expect(connection.isConnected).toBe(true);
    expect(await probeIn(first, 'probe.lost')).toBe(true);
  });
});
