import { connect } from 'amqplib';
import { Exchanges, TELEMETRY_REJECTED_V1, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { createIsolatedVhost, RecordingLogger, type IsolatedVhost } from '@chargeflow/testing';
import { AmqpConnection, BrokerUnavailableError } from './amqp-connection';
import { ConfirmPublisher } from './confirm-publisher';
import { declareTopology, FactQueues } from './topology';

describe('ConfirmPublisher on a real broker', () => {
  let vhost: IsolatedVhost;
  let connection: AmqpConnection;
  let publisher: ConfirmPublisher;
  const sample = Buffer.from('{}');

  beforeAll(async () => {
    vhost = await createIsolatedVhost('confirm_publisher');
    connection = await AmqpConnection.open({
      url: vhost.url,
      name: 'confirm-publisher-test',
      logger: new RecordingLogger(),
    });
    publisher = await ConfirmPublisher.create(connection, { confirmTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    await connection?.close();
    await vhost?.remove();
  });

  it('fails a message a fact queue must take when the broker returns it unrouted, and sends it once routed', async () => {
    const routingKey = TELEMETRY_ROUTING.vehicleSample('7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77');
    const refused = publisher.publish(Exchanges.telemetry, routingKey, sample);
    await expect(refused).rejects.toThrow(BrokerUnavailableError);
    await expect(refused).rejects.toThrow(/no queue takes/);

    const admin = await connect(vhost.url);
    const channel = await admin.createChannel();
    await declareTopology(admin);
    await publisher.publish(Exchanges.telemetry, routingKey, sample);
    const taken = await channel.get(FactQueues.telemetrySamples.name, { noAck: true });
    expect(taken && taken.content.toString()).toBe('{}');
    await admin.close();
  });

  it('lets an event no service consumes go unrouted (third parties bind their own queues)', async () => {
    await expect(publisher.publish(Exchanges.events, TELEMETRY_REJECTED_V1, sample)).resolves.toBeUndefined();
  });
});
