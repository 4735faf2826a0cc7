import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { Client } from 'pg';
import {
  Exchanges,
  FleetRpc,
  Queues,
  SessionRpc,
  type BackendService,
  type RpcReply,
  type SessionView,
} from '@chargeflow/contracts';
import { runTopologyStep, ServiceProcess } from '@chargeflow/infra';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { createStackEnvironment, RecordingLogger, waitFor, type StackEnvironment } from '@chargeflow/testing';

/** `npm start`'s own topology step (`runTopologyStep`) on a fresh virtual host, before any service runs. */
describe("npm start's topology step", () => {
  let environment: StackEnvironment;
  let broker: ChannelModel;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    environment = await createStackEnvironment('topology-step');
    broker = await connect(environment.vhost.url);
  });

  afterAll(async () => {
    await broker?.close();
    await Promise.all(processes.map((process) => process.stop()));
    await environment?.cleanup();
  });

  const queueExists = async (queue: string) => {
    const channel = await broker.createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.checkQueue(queue);
      await channel.close();
      return true;
    } catch {
      return false;
    }
  };

  it('keeps a sample published before any consumer ran, and telemetry counts it once it starts', async () => {
    expect(await queueExists(Queues.telemetrySamples)).toBe(false);
    await runTopologyStep(environment.vhost.url, environment.env);
    expect(await queueExists(Queues.telemetrySamples)).toBe(true);

    const [vehicleId, riderId, rideId] = [randomUUID(), randomUUID(), randomUUID()];
    const channel = await broker.createConfirmChannel();
    const returned: string[] = [];
    channel.on('return', (message: { fields: { routingKey: string } }) => returned.push(message.fields.routingKey));
    const sample = {
      telemetryId: randomUUID(),
      sessionId: rideId,
      vehicleId,
      emittedAt: new Date().toISOString(),
      energyWh: 2.25,
      distanceM: 40,
      seq: 0,
    };
    channel.publish(Exchanges.telemetry, `sample.${vehicleId}`, Buffer.from(JSON.stringify(sample)), {
      persistent: true,
      mandatory: true,
      contentType: 'application/json',
    });
    await channel.waitForConfirms();
    await channel.close();
    expect(returned).toEqual([]);
    const waiting = await broker.createChannel();
    expect((await waiting.checkQueue(Queues.telemetrySamples)).messageCount).toBe(1);
    await waiting.close();

    // The ride the sample belongs to, started with the ids the device already used; telemetry is still not running.
    const sessions = new ServiceProcess('sessions', { env: environment.env, logDir: environment.logDir });
    processes.push(sessions);
    sessions.start();
    const connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'topology-step-test',
      logger: new RecordingLogger(),
    });
    const rpc = await RpcClient.create(connection);
    const call = <T>(service: BackendService, pattern: string, payload: object): Promise<RpcReply<T>> =>
      rpc.request<T>(service, pattern, payload, { correlationId: 'topology-step-test', timeoutMs: 10_000 });
    try {
      await waitFor(
        async () => ((await call('sessions', 'health.v1', {})).ok ? true : undefined),
        120_000,
        'sessions to answer',
        250,
      );
      await call('sessions', FleetRpc.createVehicle, {
        id: vehicleId,
        label: 'early bird',
        batteryCapacityWh: 500,
        energyWh: 400,
      });
      await call('sessions', FleetRpc.createRider, { id: riderId, name: 'Ada' });
      const ride = await call<SessionView>('sessions', SessionRpc.startRide, { id: rideId, vehicleId, riderId });
      expect(ride).toMatchObject({ ok: true, data: { id: rideId, state: 'ACTIVE' } });
    } finally {
      rpc.close();
      await connection.close();
    }

    const telemetry = new ServiceProcess('telemetry', { env: environment.env, logDir: environment.logDir });
    processes.push(telemetry);
    telemetry.start();
    const database = new Client({ connectionString: environment.env.TELEMETRY_DATABASE_URL });
    await database.connect();
    try {
      const ledger = await waitFor(
        async () => {
          const { rows } = await database
            .query<{ sample_count: number; energy_wh: string }>(
              `SELECT sample_count, energy_wh FROM session_ledger WHERE session_id = $1`,
              [rideId],
            )
            .catch(() => ({ rows: [] as { sample_count: number; energy_wh: string }[] }));
          return rows[0]?.sample_count === 1 ? rows[0] : undefined;
        },
        120_000,
        'telemetry to count the early sample',
        250,
      );
      expect(ledger.energy_wh).toBe('2.250');
    } finally {
      await database.end();
    }
  });
});
