import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfirmChannel } from 'amqplib';
import { Client } from 'pg';
import {
  Exchanges,
  FleetRpc,
  Queues,
  SessionRpc,
  TELEMETRY_ROUTING,
  type BackendService,
  type RiderView,
  type RpcReply,
  type SessionView,
  type VehicleView,
} from '@chargeflow/contracts';
import { ServiceProcess } from '@chargeflow/infra';
import { AmqpConnection, deadLetterQueueOf, RpcClient } from '@chargeflow/messaging';
import {
  createStackEnvironment,
  RecordingLogger,
  startOwnPostgres,
  waitFor,
  type OwnPostgres,
  type StackEnvironment,
} from '@chargeflow/testing';

/** Telemetry's database goes away for longer than every redelivery would last: nothing is lost or dead-lettered. */
describe('telemetry ingest through a database outage', () => {
  let environment: StackEnvironment;
  let postgres: OwnPostgres;
  let sessions: ServiceProcess;
  let telemetry: ServiceProcess;
  let connection: AmqpConnection;
  let channel: ConfirmChannel;
  let rpc: RpcClient;

  async function ok<T>(service: BackendService, pattern: string, payload: object): Promise<T> {
    const reply: RpcReply<T> = await rpc.request<T>(service, pattern, payload, {
      correlationId: 'outage-test',
      timeoutMs: 10_000,
    });
    if (!reply.ok) throw new Error(`${pattern} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  /** Counted samples of a session, on a connection of its own: the server comes and goes. */
  async function countedOf(sessionId: string): Promise<number> {
    const client = new Client({ connectionString: postgres.urlOf('telemetry') });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query('SELECT sample_count FROM session_ledger WHERE session_id = $1', [sessionId]);
      return rows[0]?.sample_count ?? 0;
    } finally {
      await client.end();
    }
  }

  async function publish(ride: SessionView, count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      const sample = {
        telemetryId: randomUUID(),
        sessionId: ride.id,
        vehicleId: ride.vehicleId,
        emittedAt: new Date().toISOString(),
        energyWh: 0.5,
      };
      channel.publish(
        Exchanges.telemetry,
        TELEMETRY_ROUTING.vehicleSample(ride.vehicleId),
        Buffer.from(JSON.stringify(sample)),
        { persistent: true, contentType: 'application/json' },
      );
    }
    await channel.waitForConfirms();
  }

  beforeAll(async () => {
    environment = await createStackEnvironment('outage');
    postgres = await startOwnPostgres('outage');
    const admin = new Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE telemetry');
    await admin.end();
    const env = { ...environment.env, TELEMETRY_DATABASE_URL: postgres.urlOf('telemetry') };
    sessions = new ServiceProcess('sessions', { env, logDir: environment.logDir });
    telemetry = new ServiceProcess('telemetry', { env, logDir: environment.logDir });
    sessions.start();
    telemetry.start();
    connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'outage-test',
      logger: new RecordingLogger(),
    });
    rpc = await RpcClient.create(connection);
    channel = await connection.current().createConfirmChannel();
    await channel.assertExchange(Exchanges.telemetry, 'topic', { durable: true });
    await waitFor(
      async () => {
        const replies = await Promise.all(
          ['sessions', 'telemetry'].map((service) =>
            rpc.request(service as BackendService, 'health.v1', {}, { correlationId: 'x', timeoutMs: 1_000 }),
          ),
        );
        return replies.every((reply) => reply.ok) ? true : undefined;
      },
      60_000,
      'sessions and telemetry',
      250,
    );
  });

  afterAll(async () => {
    rpc?.close();
    await connection?.close();
    await Promise.all([sessions?.stop(), telemetry?.stop()]);
    await postgres?.remove();
    await environment?.cleanup();
  });

  it('stops consuming while its database is down, resumes by itself, and loses and dead-letters nothing', async () => {
    const rider = await ok<RiderView>('sessions', FleetRpc.createRider, { name: 'Outage' });
    const vehicle = await ok<VehicleView>('sessions', FleetRpc.createVehicle, {
      label: 'bike',
      batteryCapacityWh: 100_000,
      energyWh: 100_000,
    });
    const ride = await ok<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id });
    await publish(ride, 50);
    await waitFor(async () => ((await countedOf(ride.id)) === 50 ? true : undefined), 30_000, 'the first 50', 200);

    await postgres.stop();
    await publish(ride, 200);
    // Longer than five deliveries of in-process retries (5 × 3.5 s): the old consumer dead-lettered by then.
    await waitFor(
      async () => (telemetry.tail(50_000).includes('consuming paused until it passes') ? true : undefined),
      30_000,
      'the consumer paused',
      250,
    );
    await sleep(20_000);
    expect((await channel.checkQueue(deadLetterQueueOf(Queues.telemetrySamples))).messageCount).toBe(0);
    await postgres.start();

    await waitFor(async () => ((await countedOf(ride.id)) === 250 ? true : undefined), 60_000, 'all 250', 250);
    expect((await channel.checkQueue(deadLetterQueueOf(Queues.telemetrySamples))).messageCount).toBe(0);
    expect(telemetry.tail(200_000)).toContain('the batch passed; consuming again');
    expect(telemetry.tail(200_000)).not.toContain('handing it back for redelivery');
  });
});
