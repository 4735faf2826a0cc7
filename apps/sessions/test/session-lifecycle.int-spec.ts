import { randomUUID } from 'node:crypto';
import type { Channel } from 'amqplib';
import { Client } from 'pg';
import {
  Exchanges,
  FleetRpc,
  SESSION_FINALIZED_V1,
  SESSION_STARTED_V1,
  SessionRpc,
  TelemetryRpc,
  type BackendService,
  type Envelope,
  type RiderView,
  type RpcReply,
  type SealedTotals,
  type SessionView,
  type StationView,
  type VehicleView,
} from '@chargeflow/contracts';
import { ServiceProcess } from '@chargeflow/infra';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { createStackEnvironment, RecordingLogger, waitFor, type StackEnvironment } from '@chargeflow/testing';

/** The sessions and telemetry services as real processes, driven over RPC, on their own databases. */
describe('session lifecycle on real PostgreSQL and RabbitMQ', () => {
  let environment: StackEnvironment;
  let sessions: ServiceProcess;
  let telemetry: ServiceProcess;
  let connection: AmqpConnection;
  let rpc: RpcClient;
  let events: Envelope[];
  let rider: RiderView;

  async function call<T>(service: BackendService, pattern: string, payload: object): Promise<RpcReply<T>> {
    return rpc.request<T>(service, pattern, payload, { correlationId: 'int-test', timeoutMs: 10_000 });
  }

  async function ok<T>(service: BackendService, pattern: string, payload: object): Promise<T> {
    const reply = await call<T>(service, pattern, payload);
    if (!reply.ok) throw new Error(`${pattern} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  const aVehicle = () =>
    ok<VehicleView>('sessions', FleetRpc.createVehicle, { label: 'bike', batteryCapacityWh: 500, energyWh: 400 });

  beforeAll(async () => {
    environment = await createStackEnvironment('lifecycle');
    sessions = new ServiceProcess('sessions', { env: environment.env, logDir: environment.logDir });
    telemetry = new ServiceProcess('telemetry', { env: environment.env, logDir: environment.logDir });
    sessions.start();
    telemetry.start();
    connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'lifecycle-test',
      logger: new RecordingLogger(),
    });
    rpc = await RpcClient.create(connection);
    events = [];
    // A durable queue keeps the events published while this test's own connection is down.
    await connection.onConnected(async (model) => {
      const channel: Channel = await model.createChannel();
      await channel.assertExchange(Exchanges.events, 'topic', { durable: true });
      await channel.assertQueue('test.session-events', { durable: true });
      await channel.bindQueue('test.session-events', Exchanges.events, 'session.#');
      await channel.consume('test.session-events', (message) => {
        if (!message) return;
        events.push(JSON.parse(message.content.toString()) as Envelope);
        channel.ack(message);
      });
    });
    await waitFor(
      async () => {
        const replies = await Promise.all([call('sessions', 'health.v1', {}), call('telemetry', 'health.v1', {})]);
        return replies.every((reply) => reply.ok) ? true : undefined;
      },
      60_000,
      'sessions and telemetry to answer',
      250,
    );
    rider = await ok<RiderView>('sessions', FleetRpc.createRider, { name: 'Ada' });
  });

  afterAll(async () => {
    rpc?.close();
    await connection?.close();
    await Promise.all([sessions?.stop(), telemetry?.stop()]);
    await environment?.cleanup();
  });

  const eventsOf = (sessionId: string, type: string) =>
    events.filter((event) => event.type === type && (event.payload as { sessionId: string }).sessionId === sessionId);

  it('lets exactly one of 50 concurrent starts for one vehicle through', async () => {
    const vehicle = await aVehicle();
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        call<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id }),
      ),
    );
    const started = replies.filter((reply) => reply.ok);
    expect(started).toHaveLength(1);
    const refusals = replies.filter((reply): reply is Extract<RpcReply, { ok: false }> => !reply.ok);
    expect(new Set(refusals.map((reply) => reply.error.code))).toEqual(new Set(['VEHICLE_HAS_ACTIVE_SESSION']));
    const activeId = (started[0] as { data: SessionView }).data.id;
    expect(refusals.every((reply) => reply.error.details?.activeSessionId === activeId)).toBe(true);
    await waitFor(
      async () => (eventsOf(activeId, SESSION_STARTED_V1).length === 1 ? true : undefined),
      10_000,
      'one started event',
    );
  });

  it('lets one of 30 concurrent charges at one station through, and a charge retried 10 times at once start once', async () => {
    const station = await ok<StationView>('sessions', FleetRpc.createStation, {
      name: 'Contended',
      ratedPowerW: 11_000,
      timeZone: 'UTC',
      metered: true,
    });
    const vehicles = await Promise.all(Array.from({ length: 30 }, () => aVehicle()));
    const replies = await Promise.all(
      vehicles.map((vehicle) =>
        call<SessionView>('sessions', SessionRpc.startCharging, { vehicleId: vehicle.id, stationId: station.id }),
      ),
    );
    const started = replies.filter((reply) => reply.ok) as { data: SessionView }[];
    expect(started).toHaveLength(1);
    const refusals = replies.filter((reply): reply is Extract<RpcReply, { ok: false }> => !reply.ok);
    expect(refusals.map((reply) => [reply.error.code, reply.error.details?.activeSessionId])).toEqual(
      Array.from({ length: 29 }, () => ['STATION_HAS_ACTIVE_SESSION', started[0].data.id]),
    );

    const other = await ok<StationView>('sessions', FleetRpc.createStation, {
      name: 'Retried',
      ratedPowerW: 11_000,
      timeZone: 'UTC',
      metered: true,
    });
    const [vehicle, id] = [await aVehicle(), randomUUID()];
    const retries = await Promise.all(
      Array.from({ length: 10 }, () =>
        ok<SessionView>('sessions', SessionRpc.startCharging, { id, vehicleId: vehicle.id, stationId: other.id }),
      ),
    );
    expect(new Set(retries.map((retry) => JSON.stringify(retry))).size).toBe(1);
    expect(retries[0]).toMatchObject({ id, state: 'ACTIVE', stationId: other.id });
    await waitFor(
      async () => (eventsOf(id, SESSION_STARTED_V1).length === 1 ? true : undefined),
      10_000,
      'one started event',
    );

    // The foreign key names an unknown rider (vehicle and station exist): nothing starts.
    const free = await ok<StationView>('sessions', FleetRpc.createStation, {
      name: 'Free',
      ratedPowerW: 11_000,
      timeZone: 'UTC',
      metered: true,
    });
    const unknownRider = await call('sessions', SessionRpc.startCharging, {
      vehicleId: (await aVehicle()).id,
      stationId: free.id,
      riderId: randomUUID(),
    });
    expect(unknownRider).toMatchObject({ ok: false, error: { code: 'RIDER_NOT_FOUND' } });
    expect(await ok<StationView>('sessions', FleetRpc.getStation, { id: free.id })).toMatchObject({
      activeSessionId: null,
    });
  });

  it('gives a create or a start retried with its id what the first attempt made, once', async () => {
    const stationId = randomUUID();
    const station = await ok<StationView>('sessions', FleetRpc.createStation, {
      id: stationId,
      name: 'Retry',
      ratedPowerW: 7_400,
      timeZone: 'UTC',
      metered: false,
    });
    expect(station.id).toBe(stationId);
    await ok('sessions', FleetRpc.updateStation, { id: stationId, name: 'Renamed' });
    expect(
      await ok<StationView>('sessions', FleetRpc.createStation, {
        id: stationId,
        name: 'Retry',
        ratedPowerW: 7_400,
        timeZone: 'UTC',
        metered: false,
      }),
    ).toMatchObject({
      id: stationId,
      name: 'Renamed',
    });
    const riderId = randomUUID();
    expect(await ok<RiderView>('sessions', FleetRpc.createRider, { id: riderId, name: 'Ada' })).toMatchObject({
      id: riderId,
      name: 'Ada',
    });
    expect(await ok<RiderView>('sessions', FleetRpc.createRider, { id: riderId, name: 'Ada' })).toMatchObject({
      id: riderId,
      name: 'Ada',
    });

    const vehicle = await aVehicle();
    const chargeId = randomUUID();
    const charge = await ok<SessionView>('sessions', SessionRpc.startCharging, {
      id: chargeId,
      vehicleId: vehicle.id,
      stationId,
    });
    expect(charge).toMatchObject({ id: chargeId, state: 'ACTIVE' });
    expect(
      await ok<SessionView>('sessions', SessionRpc.startCharging, { id: chargeId, vehicleId: vehicle.id, stationId }),
    ).toEqual(charge);
    const another = await call('sessions', SessionRpc.startCharging, {
      id: randomUUID(),
      vehicleId: vehicle.id,
      stationId,
    });
    expect(another).toMatchObject({ ok: false, error: { code: 'VEHICLE_HAS_ACTIVE_SESSION' } });
    await waitFor(
      async () => (eventsOf(chargeId, SESSION_STARTED_V1).length === 1 ? true : undefined),
      10_000,
      'one started event',
    );
  });

  it('finalizes once when 20 ends race, with one finalized event', async () => {
    const vehicle = await aVehicle();
    const ride = await ok<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id });
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        call<SessionView>('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' }),
      ),
    );
    const finalized = replies.filter((reply) => reply.ok);
    expect(finalized).toHaveLength(1);
    expect(
      replies
        .filter((reply) => !reply.ok)
        .every((reply) => !reply.ok && reply.error.code === 'SESSION_ALREADY_FINALIZED'),
    ).toBe(true);
    await waitFor(
      async () => (eventsOf(ride.id, SESSION_FINALIZED_V1).length >= 1 ? true : undefined),
      10_000,
      'the finalized event',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eventsOf(ride.id, SESSION_FINALIZED_V1)).toHaveLength(1);
    expect(eventsOf(ride.id, SESSION_FINALIZED_V1)[0].payload).toMatchObject({
      kind: 'RIDE',
      energyWh: '0',
      sampleCount: 0,
      riderId: rider.id,
    });
  });

  it('refuses to end a session under the wrong kind, or one that does not exist', async () => {
    const vehicle = await aVehicle();
    const ride = await ok<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id });
    const wrongKind = await call('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'CHARGING' });
    expect(wrongKind).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    const unknown = await call('sessions', SessionRpc.end, {
      sessionId: '00000000-0000-4000-8000-000000000000',
      kind: 'RIDE',
    });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'NOT_FOUND', code: 'SESSION_NOT_FOUND' } });
  });

  it('keeps a vehicle and a station to one charge at a time, and a charge off a riding vehicle', async () => {
    const [first, second] = await Promise.all([aVehicle(), aVehicle()]);
    const station = await ok<StationView>('sessions', FleetRpc.createStation, {
      name: 'Dock 1',
      ratedPowerW: 3600,
      timeZone: 'Europe/Amsterdam',
      metered: false,
    });
    await ok('sessions', SessionRpc.startRide, { vehicleId: first.id, riderId: rider.id });
    expect(
      await call('sessions', SessionRpc.startCharging, { vehicleId: first.id, stationId: station.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VEHICLE_HAS_ACTIVE_SESSION' },
    });
    const charge = await ok<SessionView>('sessions', SessionRpc.startCharging, {
      vehicleId: second.id,
      stationId: station.id,
    });
    const third = await aVehicle();
    expect(
      await call('sessions', SessionRpc.startCharging, { vehicleId: third.id, stationId: station.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'STATION_HAS_ACTIVE_SESSION', details: { activeSessionId: charge.id } },
    });
  });

  it('seals idempotently: sealing again returns the same totals', async () => {
    const vehicle = await aVehicle();
    const ride = await ok<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id });
    const request = {
      sessionId: ride.id,
      kind: 'RIDE',
      vehicleId: vehicle.id,
      stationId: null,
      startedAt: ride.startedAt,
    };
    const first = await ok<SealedTotals>('telemetry', TelemetryRpc.seal, request);
    const again = await ok<SealedTotals>('telemetry', TelemetryRpc.seal, request);
    expect(again).toEqual(first);
    const ended = await ok<SessionView>('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' });
    expect(ended).toMatchObject({ state: 'FINALIZED', energyConsumedWh: 0, sampleCount: first.sampleCount });
  });

  it('never seals before the session’s start, whatever telemetry’s clock says: an end never precedes its start', async () => {
    const startedAt = new Date(Date.now() + 3_600_000).toISOString();
    const sealed = await ok<SealedTotals>('telemetry', TelemetryRpc.seal, {
      sessionId: randomUUID(),
      kind: 'RIDE',
      vehicleId: randomUUID(),
      stationId: null,
      startedAt,
    });
    expect(sealed.sealedAt).toBe(startedAt);
  });

  it('fails an end with TELEMETRY_UNAVAILABLE when telemetry is down, keeps it Active, and completes it once telemetry is back', async () => {
    const vehicle = await aVehicle();
    const ride = await ok<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id });
    await telemetry.kill();
    const refused = await call('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'UNAVAILABLE', code: 'TELEMETRY_UNAVAILABLE' } });
    expect(await ok<SessionView>('sessions', SessionRpc.get, { sessionId: ride.id })).toMatchObject({
      state: 'ACTIVE',
    });
    expect(eventsOf(ride.id, SESSION_FINALIZED_V1)).toHaveLength(0);

    telemetry.start();
    const ended = await waitFor(
      async () => {
        const session = await ok<SessionView>('sessions', SessionRpc.get, { sessionId: ride.id });
        return session.state === 'FINALIZED' ? session : undefined;
      },
      60_000,
      'the end reconciler to complete the end once telemetry is back',
      500,
    );
    const retried = await call('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' });
    expect(retried).toMatchObject({
      ok: false,
      error: { code: 'SESSION_ALREADY_FINALIZED', details: { session: ended } },
    });
  });

  it('has a database that refuses to change or delete a finalized session', async () => {
    const vehicle = await aVehicle();
    const ride = await ok<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id });
    await ok('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' });
    const database = new Client({ connectionString: environment.env.SESSIONS_DATABASE_URL });
    await database.connect();
    try {
      await expect(database.query(`UPDATE session SET energy_wh = 1 WHERE id = $1`, [ride.id])).rejects.toThrow(
        /finalized and immutable/,
      );
      await expect(database.query(`DELETE FROM session WHERE id = $1`, [ride.id])).rejects.toThrow(
        /finalized and immutable/,
      );
      await expect(
        database.query(
          `INSERT INTO session (id, kind, state, vehicle_id, rider_id, started_at) VALUES (gen_random_uuid(), 'RIDE', 'ACTIVE', $1, $2, now())`,
          [vehicle.id, rider.id],
        ),
      ).resolves.toBeDefined();
      await expect(
        database.query(
          `INSERT INTO session (id, kind, state, vehicle_id, rider_id, started_at) VALUES (gen_random_uuid(), 'RIDE', 'ACTIVE', $1, $2, now())`,
          [vehicle.id, rider.id],
        ),
      ).rejects.toThrow(/session_one_active_per_vehicle/);
    } finally {
      await database.end();
    }
  });

  it('publishes the outbox after the broker dropped the service connections', async () => {
    const vehicle = await aVehicle();
    await environment.vhost.dropConnections();
    const ride = await waitFor(
      async () => {
        const reply = await call<SessionView>('sessions', SessionRpc.startRide, {
          vehicleId: vehicle.id,
          riderId: rider.id,
        });
        return reply.ok ? reply.data : undefined;
      },
      30_000,
      'the sessions service to answer again',
      500,
    );
    await waitFor(
      async () => (eventsOf(ride.id, SESSION_STARTED_V1).length > 0 ? true : undefined),
      15_000,
      'the started event',
    );
  });
});
