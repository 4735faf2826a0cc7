import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import mqtt from 'mqtt';
import { Queues, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { infraSettings } from '@chargeflow/infra';
import { declareTopology } from '@chargeflow/messaging';
import { createIsolatedVhost, waitFor, type IsolatedVhost } from '@chargeflow/testing';
import type { GatewayConfig } from '../src/config';
import { BrokerUsersClient } from '../src/device-credentials/infrastructure/broker-users.client';

const MQTT_URL = `mqtt://127.0.0.1:${process.env.RABBITMQ_MQTT_PORT || 1883}`;

/**
 * A device granted in a virtual host other than `/` (this suite's own, on the shared broker, whose
 * MQTT plugin keeps its default `mqtt.vhost = /`): its MQTT user name names the virtual host.
 */
describe('device credentials over MQTT in the virtual host of RABBITMQ_URL', () => {
  let vhost: IsolatedVhost;
  let broker: ChannelModel;
  let users: BrokerUsersClient;
  const vehicleId = randomUUID();
  const username = `vehicle.${vehicleId}`;
  const password = randomBytes(18).toString('base64url');

  beforeAll(async () => {
    vhost = await createIsolatedVhost('mqtt-vhost');
    broker = await connect(vhost.url);
    await declareTopology(broker);
    users = new BrokerUsersClient({
      RABBITMQ_URL: vhost.url,
      RABBITMQ_MANAGEMENT_URL: infraSettings(process.env).rabbitmqManagementUrl,
    } as GatewayConfig);
    await users.grant({ username, password, routingKey: TELEMETRY_ROUTING.vehicleSample(vehicleId) });
  });

  afterAll(async () => {
    await users?.revoke(username);
    await broker?.close();
    await vhost?.remove();
  });

  it('names the virtual host in the MQTT user name, so the sample lands in that virtual host', async () => {
    expect(users.mqttUsernameOf(username)).toBe(`${vhost.name}:${username}`);
    const client = await mqtt.connectAsync(MQTT_URL, {
      username: users.mqttUsernameOf(username),
      password,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    const sample = { telemetryId: randomUUID(), sessionId: randomUUID(), vehicleId, energyWh: 1 };
    try {
      await client.publishAsync(`sample/${vehicleId}`, JSON.stringify(sample), { qos: 1 });
    } finally {
      await client.endAsync();
    }
    const channel = await broker.createChannel();
    const message = await waitFor(
      async () => (await channel.get(Queues.telemetrySamples, { noAck: true })) || undefined,
      10_000,
      'the MQTT sample in telemetry.samples',
    );
    await channel.close();
    expect(message.fields.routingKey).toBe(TELEMETRY_ROUTING.vehicleSample(vehicleId));
    expect(JSON.parse(message.content.toString())).toEqual(sample);
  });

  it('is refused under the bare user name, which the plugin would look up in its default virtual host', async () => {
    await expect(
      mqtt.connectAsync(MQTT_URL, { username, password, reconnectPeriod: 0, connectTimeout: 10_000 }),
    ).rejects.toThrow(/Not authorized|Bad username|Connection refused/i);
  });
});
