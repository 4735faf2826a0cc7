import { randomUUID } from 'node:crypto';
import type { Channel } from 'amqplib';
import { Client } from 'pg';
import {
  Exchanges,
  FleetRpc,
  SESSION_FINALIZED_V1,
  SessionRpc,
  type BackendService,
  type Envelope,
  type RiderView,
  type RpcReply,
  type SessionFinalizedV1,
  type SessionView,
  type VehicleView,
} from '@chargeflow/contracts';
import { ServiceProcess } from '@chargeflow/infra';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { createStackEnvironment, RecordingLogger, waitFor, type StackEnvironment } from '@chargeflow/testing';

const SEAL_TIMEOUT_MS = 8_000;

interface SessionRow {
  state: string;
  ended_at: Date | null;
  energy_wh: string | null;
  sample_count: number | null;
  duration_s: number | null;
  started_at: Date;
  end_requested_at: Date | null;
}

interface LedgerRow {
  state: string;
  sealed_at: Date | null;
  energy_wh: string;
  sample_count: number;
}

/**
 * The end reconciler with real processes: telemetry paused with SIGSTOP, sessions killed with
 * SIGKILL, both on their own databases and virtual host. No client ever retries these ends.
 */
describe('ends finished by the end reconciler, with real processes', () => {
  let environment: StackEnvironment;
  let sessions: ServiceProcess;
  let telemetry: ServiceProcess;
  let connection: AmqpConnection;
  let rpc: RpcClient;
  let sessionsDb: Client;
  let telemetryDb: Client;
  let rider: RiderView;
  const finalized: Envelope<SessionFinalizedV1>[] = [];

  const call = <T>(service: BackendService, pattern: string, payload: object, timeoutMs = 20_000) =>
    rpc.request<T>(service, pattern, payload, { correlationId: 'reconciler-test', timeoutMs });

  async function ok<T>(service: BackendService, pattern: string, payload: object): Promise<T> {
    const reply = await call<T>(service, pattern, payload);
    if (!reply.ok) throw new Error(`${pattern} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  const sessionRow = async (id: string) =>
    (
      await sessionsDb.query<SessionRow>(
        `SELECT state, ended_at, energy_wh, sample_count, duration_s, started_at, end_requested_at FROM session WHERE id = $1`,
        [id],
      )
    ).rows[0];
  const ledgerRow = async (id: string) =>
    (
      await telemetryDb.query<LedgerRow>(
        `SELECT state, sealed_at, energy_wh, sample_count FROM session_ledger WHERE session_id = $1`,
        [id],
      )
    ).rows[0];
  const finalizedEventsOf = (id: string) => finalized.filter((event) => event.payload.sessionId === id);

  /** A ride with three counted samples (1.5 Wh in all), as a vehicle would publish them. */
  async function aRideWithSamples(): Promise<SessionView> {
    const vehicle = await ok<VehicleView>('sessions', FleetRpc.createVehicle, {
      label: 'bike',
      batteryCapacityWh: 500,
      energyWh: 400,
    });
    const ride = await ok<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id });
    const channel = await connection.current().createConfirmChannel();
    for (let seq = 0; seq < 3; seq += 1) {
      const sample = {
        telemetryId: randomUUID(),
        sessionId: ride.id,
        vehicleId: vehicle.id,
        emittedAt: new Date().toISOString(),
        energyWh: 0.5,
        distanceM: 10,
        seq,
      };
      channel.publish(Exchanges.telemetry, `sample.${vehicle.id}`, Buffer.from(JSON.stringify(sample)), {
        persistent: true,
        contentType: 'application/json',
      });
    }
    await channel.waitForConfirms();
    await channel.close();
    await waitFor(
      async () => ((await ledgerRow(ride.id))?.sample_count === 3 ? true : undefined),
      30_000,
      'the samples to be counted',
    );
    return ride;
  }

  /** Waits for the session to be finalized, then checks it took the seal's instant and totals, and one event. */
  async function expectFinalizedAtTheSeal(id: string): Promise<SessionRow> {
    const session = await waitFor(
      async () => {
        const row = await sessionRow(id);
        return row.state === 'FINALIZED' ? row : undefined;
      },
      90_000,
      'the reconciler to finalize the session',
      200,
    );
    const ledger = await ledgerRow(id);
    expect(ledger.state).toBe('SEALED');
    expect(session.ended_at?.getTime()).toBe(ledger.sealed_at?.getTime());
    expect(session).toMatchObject({ energy_wh: '1.500', sample_count: 3 });
    expect(ledger).toMatchObject({ energy_wh: '1.500', sample_count: 3 });
    expect(session.duration_s).toBe(
      Math.floor(((ledger.sealed_at as Date).getTime() - session.started_at.getTime()) / 1000),
    );
    await waitFor(async () => (finalizedEventsOf(id).length > 0 ? true : undefined), 20_000, 'session.finalized.v1');
    // Two more reconciler sweeps and outbox polls: still one event.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(finalizedEventsOf(id)).toHaveLength(1);
    expect(finalizedEventsOf(id)[0].payload).toMatchObject({ energyWh: '1.5', sampleCount: 3 });
    return session;
  }

  const pause = (process: ServiceProcess) => globalThis.process.kill(process.pid as number, 'SIGSTOP');
  const resume = (process: ServiceProcess) => globalThis.process.kill(process.pid as number, 'SIGCONT');

  beforeAll(async () => {
    environment = await createStackEnvironment('reconciler');
    const env = {
      ...environment.env,
      SEAL_TIMEOUT_MS: String(SEAL_TIMEOUT_MS),
      END_RETRY_AFTER_MS: '2000',
      END_RETRY_INTERVAL_MS: '500',
    };
    sessions = new ServiceProcess('sessions', { env, logDir: environment.logDir });
    telemetry = new ServiceProcess('telemetry', { env, logDir: environment.logDir });
    sessions.start();
    telemetry.start();
    sessionsDb = new Client({ connectionString: environment.env.SESSIONS_DATABASE_URL });
    telemetryDb = new Client({ connectionString: environment.env.TELEMETRY_DATABASE_URL });
    await Promise.all([sessionsDb.connect(), telemetryDb.connect()]);
    connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'reconciler-test',
      logger: new RecordingLogger(),
    });
    rpc = await RpcClient.create(connection);
    await connection.onConnected(async (model) => {
      const channel: Channel = await model.createChannel();
      await channel.assertExchange(Exchanges.events, 'topic', { durable: true });
      await channel.assertQueue('test.finalized-sessions', { durable: true });
      await channel.bindQueue('test.finalized-sessions', Exchanges.events, SESSION_FINALIZED_V1);
      await channel.consume('test.finalized-sessions', (message) => {
        if (!message) return;
        finalized.push(JSON.parse(message.content.toString()) as Envelope<SessionFinalizedV1>);
        channel.ack(message);
      });
    });
    await waitFor(
      async () => {
        const replies = await Promise.all([call('sessions', 'health.v1', {}), call('telemetry', 'health.v1', {})]);
        return replies.every((reply) => reply.ok) ? true : undefined;
      },
      90_000,
      'sessions and telemetry to answer',
      250,
    );
    rider = await ok<RiderView>('sessions', FleetRpc.createRider, { name: 'Ada' });
  });

  afterAll(async () => {
    if (telemetry?.running) resume(telemetry);
    rpc?.close();
    await connection?.close();
    await Promise.all([sessionsDb?.end(), telemetryDb?.end()]);
    await Promise.all([sessions?.stop(), telemetry?.stop()]);
    await environment?.cleanup();
  });

  it('finalizes, after a restart, a session sealed while its sessions process was dead', async () => {
    const ride = await aRideWithSamples();
    pause(telemetry);
    // The request's deadline passes before sessions is back, so the restarted process cannot take it again.
    const endDeadline = Date.now() + 3_000;
    const end = call('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' }, 3_000).catch(
      (error: Error) => error,
    );
    try {
      await waitFor(
        async () => ((await sessionRow(ride.id)).end_requested_at ? true : undefined),
        10_000,
        'the end request to be recorded',
      );
      await sessions.kill();
    } finally {
      resume(telemetry);
    }
    const sealed = await waitFor(
      async () => {
        const ledger = await ledgerRow(ride.id);
        return ledger.state === 'SEALED' ? ledger : undefined;
      },
      // The request waits in telemetry's queue until its deadline; a loaded machine may take a while to deliver it.
      SEAL_TIMEOUT_MS * 2,
      'telemetry to seal with nobody waiting',
    );
    expect((await sessionRow(ride.id)).state).toBe('ACTIVE');
    expect(finalizedEventsOf(ride.id)).toHaveLength(0);
    expect(await end).toBeInstanceOf(Error);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endDeadline + 500 - Date.now())));
    sessions.start();
    const session = await expectFinalizedAtTheSeal(ride.id);
    expect(session.ended_at?.getTime()).toBe(sealed.sealed_at?.getTime());
  });

  it('finalizes a session whose end timed out waiting for a paused telemetry, with no client retry', async () => {
    const ride = await aRideWithSamples();
    pause(telemetry);
    let refused: RpcReply<SessionView>;
    try {
      refused = await call<SessionView>('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' }, 60_000);
    } finally {
      resume(telemetry);
    }
    expect(refused).toMatchObject({ ok: false, error: { code: 'TELEMETRY_UNAVAILABLE' } });
    const resumedAt = Date.now();

    const session = await expectFinalizedAtTheSeal(ride.id);
    expect((await ledgerRow(ride.id)).sealed_at?.getTime()).toBeGreaterThanOrEqual(resumedAt - 1_000);

    // A client that retries the end later hears what the reconciler fixed: same instant, duration and energy.
    const retried = await call('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' });
    expect(retried).toMatchObject({
      ok: false,
      error: {
        code: 'SESSION_ALREADY_FINALIZED',
        details: {
          session: {
            endedAt: session.ended_at?.toISOString(),
            durationS: session.duration_s,
            energyConsumedWh: 1.5,
          },
        },
      },
    });
  });
});
