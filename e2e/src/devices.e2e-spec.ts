import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import Decimal from 'decimal.js';
import mqtt from 'mqtt';
import { Client } from 'pg';
import { createEnvelope, DATABASE_URL_VARIABLES, Exchanges, Queues, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { ServiceProcess, StackServices, type StackService } from '@chargeflow/infra';
import {
  createStackEnvironment,
  startOwnBroker,
  waitFor,
  type OwnBroker,
  type StackEnvironment,
} from '@chargeflow/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are checked field by field
type Json = Record<string, any>;

const CONFIRM_DEADLINE_MS = 2_000;

/**
 * Devices on a broker node of this suite's own (MQTT enabled by infra/local/rabbitmq.sh, and blocked
 * at the end with a memory alarm, which blocks the whole node): each device publishes only as itself.
 */
describe('devices publishing with broker credentials of their own, over AMQP and MQTT', () => {
  let broker: OwnBroker;
  let environment: StackEnvironment;
  let processes: Record<StackService, ServiceProcess>;
  let gatewayUrl: string;

  async function api(method: string, path: string, body?: unknown, key = environment.adminKey) {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
  }

  async function aRide(): Promise<Json> {
    const vehicle = await api('POST', '/v1/vehicles', { label: 'e-bike', batteryCapacityWh: 2_000, energyWh: 2_000 });
    const rider = await api('POST', '/v1/riders', { name: 'Ada' });
    const ride = await api('POST', '/v1/rides', { vehicleId: vehicle.body.id, riderId: rider.body.id });
    expect(ride.status).toBe(201);
    return ride.body;
  }

  async function credentialsFor(vehicleId: string): Promise<Json> {
    const created = await api('POST', '/v1/device-credentials', { vehicleId });
    expect(created.status).toBe(201);
    return created.body;
  }

  function aSample(ride: Json, energyWh = 1.5) {
    return {
      telemetryId: randomUUID(),
      sessionId: ride.id,
      vehicleId: ride.vehicleId,
      emittedAt: new Date().toISOString(),
      energyWh,
    };
  }

  function amqpUrlOf(credential: Json): string {
    const url = new URL(broker.url);
    url.username = encodeURIComponent(credential.username);
    url.password = encodeURIComponent(credential.password);
    return url.toString();
  }

  /** Publishes as the device; resolves how the broker answered: confirmed, or the channel error's text. */
  async function publishAs(credential: Json, exchange: string, routingKey: string, body: Json): Promise<string> {
    const connection: ChannelModel = await connect(amqpUrlOf(credential));
    try {
      const channel: ConfirmChannel = await connection.createConfirmChannel();
      const closed = new Promise<string>((resolve) => channel.once('error', (error: Error) => resolve(error.message)));
      channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), { persistent: true });
      return await Promise.race([channel.waitForConfirms().then(() => 'confirmed'), closed]);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  async function samplesOf(sessionId: string): Promise<Json[]> {
    return (await api('GET', `/v1/sessions/${sessionId}/telemetry?limit=1000`)).body.items;
  }

  async function waitForSamples(sessionId: string, count: number): Promise<Json[]> {
    return waitFor(
      async () => {
        const items = await samplesOf(sessionId);
        return items?.length === count ? items : undefined;
      },
      30_000,
      `${count} samples of ${sessionId}`,
      200,
    );
  }

  beforeAll(async () => {
    broker = await startOwnBroker('devices');
    environment = await createStackEnvironment('devices');
    environment.env.RABBITMQ_URL = broker.url;
    environment.env.RABBITMQ_MANAGEMENT_URL = broker.managementUrl;
    environment.env.BROKER_CONFIRM_TIMEOUT_MS = String(CONFIRM_DEADLINE_MS);
    gatewayUrl = environment.gatewayUrl;
    processes = Object.fromEntries(
      StackServices.map((service) => [
        service,
        new ServiceProcess(service, { env: environment.env, logDir: environment.logDir }),
      ]),
    ) as Record<StackService, ServiceProcess>;
    // Telemetry is started by the first test, after a device has published.
    for (const service of StackServices) if (service !== 'telemetry') processes[service].start();
    await waitFor(
      async () => ((await api('GET', '/v1/vehicles?limit=1')).status === 200 ? true : undefined),
      90_000,
      'the gateway and the sessions service',
      500,
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all(Object.values(processes ?? {}).map((process) => process.stop()));
    await environment?.cleanup();
    await broker?.stop();
  }, 120_000);

  it('keeps a sample a device published before telemetry ever started, and counts it once it starts', async () => {
    const ride = await aRide();
    const credential = await credentialsFor(ride.vehicleId);
    expect(credential).toMatchObject({
      username: `vehicle.${ride.vehicleId}`,
      mqttUsername: `/:vehicle.${ride.vehicleId}`,
      vehicleId: ride.vehicleId,
    });
    const sample = aSample(ride, 2.25);
    expect(
      await publishAs(credential, Exchanges.telemetry, TELEMETRY_ROUTING.vehicleSample(ride.vehicleId), sample),
    ).toBe('confirmed');

    const device = await api('POST', '/v1/api-keys', {
      name: `device-${ride.vehicleId}`,
      role: 'device',
      vehicleId: ride.vehicleId,
    });
    const posted = aSample(ride, 0.5);
    expect((await api('POST', `/v1/sessions/${ride.id}/telemetry`, posted, device.body.key)).status).toBe(202);

    processes.telemetry.start();
    const stored = await waitForSamples(ride.id, 2);
    expect(stored.map((item) => item.telemetryId).sort()).toEqual([sample.telemetryId, posted.telemetryId].sort());
  });

  it('lists credentials without their passwords, and refuses a second set for the same device', async () => {
    const ride = await aRide();
    const credential = await credentialsFor(ride.vehicleId);
    expect((await api('POST', '/v1/device-credentials', { vehicleId: ride.vehicleId })).body.code).toBe(
      'DEVICE_CREDENTIAL_EXISTS',
    );
    expect((await api('POST', '/v1/device-credentials', {})).body.code).toBe('VALIDATION_FAILED');
    const both = { vehicleId: ride.vehicleId, stationId: randomUUID() };
    expect((await api('POST', '/v1/device-credentials', both)).body.code).toBe('VALIDATION_FAILED');
    const stationId = randomUUID();
    const station = await api('POST', '/v1/device-credentials', { stationId });
    expect(station).toMatchObject({
      status: 201,
      body: { username: `station.${stationId}`, vehicleId: null, stationId },
    });
    expect(await publishAs(station.body, Exchanges.telemetry, TELEMETRY_ROUTING.stationMeter(stationId), {})).toBe(
      'confirmed',
    );
    expect(await publishAs(station.body, Exchanges.telemetry, TELEMETRY_ROUTING.vehicleSample(stationId), {})).toMatch(
      /ACCESS_REFUSED/,
    );
    const listed = await api('GET', '/v1/device-credentials?limit=100');
    const entry = listed.body.items.find((item: Json) => item.id === credential.id);
    expect(entry).toEqual({
      id: credential.id,
      username: credential.username,
      vehicleId: ride.vehicleId,
      stationId: null,
      createdAt: credential.createdAt,
    });
    expect(JSON.stringify(listed.body)).not.toContain(credential.password);
  });

  it('refuses a device publishing for another vehicle, or through the default exchange, and counts nothing', async () => {
    const [mine, victim] = [await aRide(), await aRide()];
    const credential = await credentialsFor(mine.vehicleId);
    const forged = aSample(victim);

    expect(
      await publishAs(credential, Exchanges.telemetry, TELEMETRY_ROUTING.vehicleSample(victim.vehicleId), forged),
    ).toMatch(/ACCESS_REFUSED/);
    // A body naming another vehicle under the device's own routing key: the consumer's own check.
    expect(
      await publishAs(credential, Exchanges.telemetry, TELEMETRY_ROUTING.vehicleSample(mine.vehicleId), forged),
    ).toBe('confirmed');
    // Straight into the queue through the default exchange, past every binding.
    expect(await publishAs(credential, '', Queues.telemetrySamples, forged)).toMatch(/ACCESS_REFUSED/);

    const honest = aSample(mine);
    expect(
      await publishAs(credential, Exchanges.telemetry, TELEMETRY_ROUTING.vehicleSample(mine.vehicleId), honest),
    ).toBe('confirmed');
    // The queue is first in, first out: once the honest sample is stored, the forged one was judged.
    await waitForSamples(mine.id, 1);
    expect(await samplesOf(victim.id)).toEqual([]);
    const rejections = await api('GET', `/v1/telemetry/rejections?sessionId=${victim.id}`);
    expect(rejections.body.items.map((item: Json) => item.reason)).toEqual(['DEVICE_MISMATCH']);
  });

  it('counts exactly the samples of a ride its vehicle published over MQTT with QoS 1', async () => {
    const ride = await aRide();
    const credential = await credentialsFor(ride.vehicleId);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, {
      username: credential.mqttUsername,
      password: credential.password,
      clientId: `vehicle-${ride.vehicleId}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    const samples = Array.from({ length: 200 }, (_, seq) => ({
      ...aSample(ride, Number((0.013 + (seq % 7) * 0.331).toFixed(3))),
      seq,
    }));
    try {
      for (const sample of samples) {
        await client.publishAsync(`sample/${ride.vehicleId}`, JSON.stringify(sample), { qos: 1 });
      }
    } finally {
      await client.endAsync();
    }
    await waitForSamples(ride.id, samples.length);
    const expected = samples.reduce((sum, sample) => sum.plus(String(sample.energyWh)), new Decimal(0)).toNumber();
    const ended = await api('POST', `/v1/rides/${ride.id}/end`);
    expect(ended.body).toMatchObject({ energyConsumedWh: expected, sampleCount: samples.length });
  });

  it('refuses MQTT without credentials, and an MQTT device on another vehicle’s topic', async () => {
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, { reconnectPeriod: 0, connectTimeout: 10_000 }),
    ).rejects.toThrow(/Not authorized|Bad username|Connection refused/i);

    const [mine, victim] = [await aRide(), await aRide()];
    const credential = await credentialsFor(mine.vehicleId);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, {
      username: credential.mqttUsername,
      password: credential.password,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    const closed = new Promise<string>((resolve) => client.once('close', () => resolve('closed')));
    const outcome = await Promise.race([
      client.publishAsync(`sample/${victim.vehicleId}`, JSON.stringify(aSample(victim)), { qos: 1 }).then(
        () => 'acknowledged',
        (error: Error) => `refused: ${error.message}`,
      ),
      closed,
    ]);
    client.end(true);
    expect(outcome).not.toBe('acknowledged');

    const honest = aSample(mine);
    expect(
      await publishAs(credential, Exchanges.telemetry, TELEMETRY_ROUTING.vehicleSample(mine.vehicleId), honest),
    ).toBe('confirmed');
    await waitForSamples(mine.id, 1);
    expect(await samplesOf(victim.id)).toEqual([]);
  });

  it('deletes a device’s broker user and closes the connections it has open', async () => {
    const ride = await aRide();
    const credential = await credentialsFor(ride.vehicleId);
    const connection = await connect(amqpUrlOf(credential));
    const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
    connection.on('error', () => undefined);
    expect((await api('DELETE', `/v1/device-credentials/${credential.id}`)).status).toBe(204);
    await closed;
    await expect(connect(amqpUrlOf(credential))).rejects.toThrow(/ACCESS_REFUSED|403/);
    expect((await api('DELETE', `/v1/device-credentials/${credential.id}`)).body.code).toBe(
      'DEVICE_CREDENTIAL_NOT_FOUND',
    );
  });

  it('answers 503 BROKER_UNAVAILABLE within the confirm deadline while the broker blocks publishers', async () => {
    const ride = await aRide();
    const device = await api('POST', '/v1/api-keys', {
      name: `device-${ride.vehicleId}`,
      role: 'device',
      vehicleId: ride.vehicleId,
    });
    const sessions = new Client({ connectionString: environment.env[DATABASE_URL_VARIABLES.sessions] });
    sessions.on('error', () => undefined);
    await sessions.connect();
    try {
      await broker.ctl('set_vm_memory_high_watermark', '0.000001');
      try {
        await waitFor(
          async () => ((await broker.ctl('eval', 'rabbit_alarm:get_alarms().')).includes('memory') ? true : undefined),
          20_000,
          'the memory alarm',
          250,
        );
        const started = Date.now();
        const posted = await api('POST', `/v1/sessions/${ride.id}/telemetry`, aSample(ride), device.body.key);
        expect(posted).toMatchObject({ status: 503, body: { code: 'BROKER_UNAVAILABLE' } });
        // Not a speed check: a hang would last far beyond the deadline (the margin absorbs a loaded machine).
        expect(Date.now() - started).toBeLessThan(CONFIRM_DEADLINE_MS + 10_000);
        const read = await api('GET', `/v1/vehicles/${ride.vehicleId}`);
        expect(read).toMatchObject({ status: 503, body: { code: 'BROKER_UNAVAILABLE' } });

        // An event in the sessions outbox waits for the broker, with no transaction held open meanwhile.
        const envelope = createEnvelope(
          'chargeflow.test-event.v1',
          { note: 'waits for the broker' },
          { correlationId: randomUUID() },
        );
        await sessions.query(
          `INSERT INTO outbox_message (message_id, exchange, routing_key, envelope) VALUES ($1, $2, $3, $4)`,
          [envelope.messageId, Exchanges.events, envelope.type, JSON.stringify(envelope)],
        );
        await sessions.query(`NOTIFY outbox_message`);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const open = await sessions.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND (state LIKE 'idle in transaction%' OR xact_start < now() - interval '1 second')`,
        );
        expect(open.rows[0].n).toBe(0);
      } finally {
        await broker.ctl('set_vm_memory_high_watermark', '0.4');
      }
      await waitFor(
        async () => {
          const answer = await sessions.query(
            `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
          );
          return answer.rows[0].n === 0 ? true : undefined;
        },
        30_000,
        'the outbox drained once the broker took publishes again',
        250,
      );
    } finally {
      await sessions.end();
    }
    expect((await api('GET', `/v1/vehicles/${ride.vehicleId}`)).status).toBe(200);
  }, 180_000);
});
