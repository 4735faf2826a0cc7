import { connect, type ChannelModel } from 'amqplib';
import { Exchanges, rpcQueueOf, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { infraSettings } from '@chargeflow/infra';
import { createIsolatedVhost, type IsolatedVhost } from '@chargeflow/testing';
import { deadLetterQueueOf, declareRpcQueue, declareTopology, FactQueues, QUORUM_INITIAL_GROUP_SIZE } from './topology';

/** A queue as the management API shows it. */
async function queueInfo(
  vhost: IsolatedVhost,
  queue: string,
): Promise<{ durable: boolean; arguments: Record<string, unknown> }> {
  const base = new URL(infraSettings(process.env).rabbitmqManagementUrl);
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  base.username = '';
  base.password = '';
  const response = await fetch(new URL(`/api/queues/${vhost.name}/${encodeURIComponent(queue)}`, base), {
    headers: { authorization },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`management API: ${response.status}`);
  return (await response.json()) as { durable: boolean; arguments: Record<string, unknown> };
}

describe('the broker topology on a real broker', () => {
  let vhost: IsolatedVhost;
  let model: ChannelModel;

  beforeEach(async () => {
    vhost = await createIsolatedVhost('topology');
    model = await connect(vhost.url);
  });

  afterEach(async () => {
    await model.close().catch(() => undefined);
    await vhost.remove();
  });

  it('creates every quorum queue for three replicas, which a single node takes as one', async () => {
    expect(QUORUM_INITIAL_GROUP_SIZE).toBe(3);
    await declareTopology(model);
    for (const queue of Object.values(FactQueues))
      for (const name of [queue.name, deadLetterQueueOf(queue.name)])
        expect((await queueInfo(vhost, name)).arguments).toMatchObject({
          'x-queue-type': 'quorum',
          'x-quorum-initial-group-size': 3,
        });
    await declareTopology(model);
  });

  it('declares an RPC queue transient, so a cluster can declare it again on another node when its own is lost', async () => {
    const queue = await declareRpcQueue(model, 'sessions');
    expect(queue).toBe(rpcQueueOf('sessions'));
    expect(await queueInfo(vhost, queue)).toMatchObject({ durable: false, arguments: { 'x-queue-type': 'classic' } });
  });

  it('declares again, as they were, the queues an earlier release created, and keeps what they hold', async () => {
    const channel = await model.createConfirmChannel();
    const samples = FactQueues.telemetrySamples;
    await channel.assertExchange(Exchanges.telemetry, 'topic', { durable: true });
    await channel.assertExchange(Exchanges.deadLetter, 'direct', { durable: true });
    await channel.assertQueue(deadLetterQueueOf(samples.name), {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    await channel.assertQueue(samples.name, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 5,
        'x-dead-letter-exchange': Exchanges.deadLetter,
        'x-dead-letter-routing-key': samples.name,
      },
    });
    await channel.bindQueue(samples.name, Exchanges.telemetry, TELEMETRY_ROUTING.allVehicleSamples);
    await channel.assertQueue(rpcQueueOf('telemetry'), { durable: true, arguments: { 'x-queue-type': 'classic' } });
    channel.publish(Exchanges.telemetry, TELEMETRY_ROUTING.vehicleSample('v1'), Buffer.from('{}'), {
      persistent: true,
    });
    await channel.waitForConfirms();

    await declareTopology(model);
    await declareRpcQueue(model, 'telemetry');

    expect((await queueInfo(vhost, samples.name)).arguments).not.toHaveProperty('x-quorum-initial-group-size');
    expect((await queueInfo(vhost, rpcQueueOf('telemetry'))).durable).toBe(true);
    expect((await channel.checkQueue(samples.name)).messageCount).toBe(1);
  });
});
