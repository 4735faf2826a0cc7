import type { Channel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Exchanges, SESSION_FINALIZED_V1, type Envelope, type SessionFinalizedV1 } from '@chargeflow/contracts';
import { Stack } from '@chargeflow/infra';
import { AmqpConnection } from '@chargeflow/messaging';
import { createStackEnvironment, RecordingLogger, waitFor, type StackEnvironment } from '@chargeflow/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are checked field by field
type Json = Record<string, any>;

interface Answer {
  status: number;
  type: string | null;
  body: Json;
}

describe('rides and charges through the gateway', () => {
  let environment: StackEnvironment;
  let stack: Stack;
  let connection: AmqpConnection;
  const finalized: Envelope<SessionFinalizedV1>[] = [];

  async function api(
    method: string,
    path: string,
    body?: object,
    requestId = `e2e-${Math.random().toString(36).slice(2)}`,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${stack.gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${environment.adminKey}`,
        'x-request-id': requestId,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...extraHeaders,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Json,
    };
  }

  beforeAll(async () => {
    environment = await createStackEnvironment('sessions');
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 120_000 });
    connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'e2e-listener',
      logger: new RecordingLogger(),
    });
    const channel: Channel = await connection.current().createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, Exchanges.events, SESSION_FINALIZED_V1);
    await channel.consume(queue, (message) => {
      if (!message) return;
      finalized.push(JSON.parse(message.content.toString()) as Envelope<SessionFinalizedV1>);
      channel.ack(message);
    });
  });

  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
    await environment?.cleanup();
  });

  it('starts, reads, ends and reads a ride; the finalized event reaches a queue bound to chargeflow.events', async () => {
    const vehicle = await api('POST', '/v1/vehicles', { label: 'e-bike 7', batteryCapacityWh: 500, energyWh: 400 });
    const rider = await api('POST', '/v1/riders', { name: 'Grace' });
    expect([vehicle.status, rider.status]).toEqual([201, 201]);

    const started = await api('POST', '/v1/rides', { vehicleId: vehicle.body.id, riderId: rider.body.id });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      kind: 'RIDE',
      state: 'ACTIVE',
      vehicleId: vehicle.body.id,
      riderId: rider.body.id,
      endedAt: null,
    });
    expect((await api('GET', `/v1/sessions/${started.body.id}`)).body.state).toBe('ACTIVE');
    expect((await api('GET', `/v1/vehicles/${vehicle.body.id}`)).body.activeSessionId).toBe(started.body.id);

    const busy = await api('POST', '/v1/rides', { vehicleId: vehicle.body.id, riderId: rider.body.id });
    expect(busy.status).toBe(409);
    expect(busy.type).toContain('application/problem+json');
    expect(busy.body).toMatchObject({ code: 'VEHICLE_HAS_ACTIVE_SESSION', activeSessionId: started.body.id });

    const ended = await api('POST', `/v1/rides/${started.body.id}/end`, undefined, 'end-ride-request');
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({
      state: 'FINALIZED',
      energyConsumedWh: 0,
      sampleCount: 0,
      energySource: 'TELEMETRY',
    });
    expect(Date.parse(ended.body.endedAt)).toBeGreaterThanOrEqual(Date.parse(ended.body.startedAt));
    expect((await api('GET', `/v1/sessions/${started.body.id}`)).body).toEqual(ended.body);
    expect((await api('GET', `/v1/vehicles/${vehicle.body.id}`)).body).toMatchObject({
      activeSessionId: null,
      energyWh: 400,
    });

    const again = await api('POST', `/v1/rides/${started.body.id}/end`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'SESSION_ALREADY_FINALIZED', session: ended.body });

    const event = await waitFor(
      async () => finalized.find((envelope) => envelope.payload.sessionId === started.body.id),
      10_000,
      'session.finalized.v1',
    );
    expect(event.correlationId).toBe('end-ride-request');
    expect(event.payload).toMatchObject({
      kind: 'RIDE',
      vehicleId: vehicle.body.id,
      riderId: rider.body.id,
      energyWh: '0',
      durationS: ended.body.durationS,
    });
  });

  it('starts one of 30 concurrent rides of a vehicle and finalizes one of 10 concurrent ends; the rest get 409', async () => {
    const vehicle = await api('POST', '/v1/vehicles', { label: 'e-bike 30', batteryCapacityWh: 500, energyWh: 500 });
    const rider = await api('POST', '/v1/riders', { name: 'Katherine' });
    const body = { vehicleId: vehicle.body.id, riderId: rider.body.id };
    const starts = await Promise.all(Array.from({ length: 30 }, () => api('POST', '/v1/rides', body)));
    const started = starts.filter((answer) => answer.status === 201);
    expect(started).toHaveLength(1);
    const winner = started[0].body.id;
    for (const answer of starts.filter((other) => other.status !== 201))
      expect(answer).toMatchObject({
        status: 409,
        body: { code: 'VEHICLE_HAS_ACTIVE_SESSION', activeSessionId: winner },
      });
    expect((await api('GET', `/v1/sessions?vehicleId=${vehicle.body.id}`)).body.items).toHaveLength(1);

    const ends = await Promise.all(Array.from({ length: 10 }, () => api('POST', `/v1/rides/${winner}/end`)));
    const ended = ends.filter((answer) => answer.status === 200);
    expect(ended).toHaveLength(1);
    expect(ended[0].body).toMatchObject({ id: winner, state: 'FINALIZED' });
    for (const answer of ends.filter((other) => other.status !== 200))
      expect(answer).toMatchObject({
        status: 409,
        body: { code: 'SESSION_ALREADY_FINALIZED', session: ended[0].body },
      });
    await waitFor(
      async () => finalized.find((envelope) => envelope.payload.sessionId === winner),
      10_000,
      'session.finalized.v1',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(finalized.filter((envelope) => envelope.payload.sessionId === winner)).toHaveLength(1);
  });

  it('charges at an unmetered station by rated power over time, and fills the battery by that much', async () => {
    const vehicle = await api('POST', '/v1/vehicles', { label: 'van 3', batteryCapacityWh: 60_000, energyWh: 10_000 });
    const station = await api('POST', '/v1/stations', {
      name: 'Depot A',
      ratedPowerW: 36_000,
      timeZone: 'Europe/Amsterdam',
      metered: false,
    });
    const charge = await api('POST', '/v1/charging-sessions', {
      vehicleId: vehicle.body.id,
      stationId: station.body.id,
    });
    expect(charge.status).toBe(201);
    expect((await api('GET', `/v1/stations/${station.body.id}`)).body.activeSessionId).toBe(charge.body.id);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const ended = await api('POST', `/v1/charging-sessions/${charge.body.id}/end`);
    expect(ended.status).toBe(200);
    const elapsedS = (Date.parse(ended.body.endedAt) - Date.parse(ended.body.startedAt)) / 1000;
    expect(ended.body).toMatchObject({ kind: 'CHARGING', state: 'FINALIZED', energySource: 'RATED_POWER' });
    expect(ended.body.energyDeliveredWh).toBeCloseTo(elapsedS * 10, 2);
    const after = await api('GET', `/v1/vehicles/${vehicle.body.id}`);
    expect(after.body.energyWh).toBeCloseTo(10_000 + ended.body.energyDeliveredWh, 3);
  });

  it('answers bad input with problem+json naming what is wrong', async () => {
    const malformed = await api('POST', '/v1/rides', { vehicleId: 'not-a-uuid', extra: true });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
    expect(malformed.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'extra',
      'riderId',
      'vehicleId',
    ]);

    const unknownVehicle = await api('POST', '/v1/rides', {
      vehicleId: '00000000-0000-4000-8000-000000000001',
      riderId: '00000000-0000-4000-8000-000000000002',
    });
    expect(unknownVehicle).toMatchObject({ status: 404, body: { code: 'VEHICLE_NOT_FOUND' } });
    expect((await api('GET', '/v1/sessions/00000000-0000-4000-8000-000000000003')).body.code).toBe('SESSION_NOT_FOUND');
    expect((await api('GET', '/v1/sessions/nope')).status).toBe(400);
    expect((await api('POST', '/v1/vehicles', { label: 'x', batteryCapacityWh: 10, energyWh: 11 })).body.code).toBe(
      'ENERGY_EXCEEDS_CAPACITY',
    );
    expect((await api('GET', '/v1/sessions?limit=5000')).status).toBe(400);
    expect((await api('GET', '/v1/sessions?cursor=garbage')).body.code).toBe('INVALID_CURSOR');
  });

  it('answers a repeated start with the same Idempotency-Key with the first answer, starting one ride', async () => {
    const vehicle = await api('POST', '/v1/vehicles', { label: 'e-bike 8', batteryCapacityWh: 500, energyWh: 500 });
    const rider = await api('POST', '/v1/riders', { name: 'Barbara' });
    const body = { vehicleId: vehicle.body.id, riderId: rider.body.id };
    const first = await api('POST', '/v1/rides', body, 'idem-1', { 'idempotency-key': 'start-ride-once' });
    const again = await api('POST', '/v1/rides', body, 'idem-2', { 'idempotency-key': 'start-ride-once' });
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, body: first.body });
    const rides = await api('GET', `/v1/sessions?vehicleId=${vehicle.body.id}`);
    expect(rides.body.items).toHaveLength(1);
    const ended = await api('POST', `/v1/rides/${first.body.id}/end`, undefined, 'idem-3', {
      'idempotency-key': 'end-ride-once',
    });
    const endedAgain = await api('POST', `/v1/rides/${first.body.id}/end`, undefined, 'idem-4', {
      'idempotency-key': 'end-ride-once',
    });
    expect(endedAgain).toMatchObject({ status: 200, body: ended.body });

    // Another key, later: the end is not run again at a new instant; the record is the seal's.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = await api('POST', `/v1/rides/${first.body.id}/end`, undefined, 'idem-5', {
      'idempotency-key': 'end-ride-later',
    });
    expect(later.status).toBe(409);
    expect(later.body.session).toMatchObject({
      endedAt: ended.body.endedAt,
      durationS: ended.body.durationS,
      energyConsumedWh: ended.body.energyConsumedWh,
    });
  });

  it('lists sessions newest first with filters and cursor pages', async () => {
    const all = await api('GET', '/v1/sessions?limit=1000');
    expect(all.status).toBe(200);
    const first = await api('GET', '/v1/sessions?limit=1&state=FINALIZED');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api('GET', `/v1/sessions?limit=1&state=FINALIZED&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(Date.parse(second.body.items[0].startedAt)).toBeLessThanOrEqual(Date.parse(first.body.items[0].startedAt));
    const charges = await api('GET', '/v1/sessions?kind=CHARGING');
    expect(charges.body.items.every((session: { kind: string }) => session.kind === 'CHARGING')).toBe(true);
  });

  it('pages 5,000 sessions written in bursts within one millisecond, each exactly once, newest first', async () => {
    const vehicle = await api('POST', '/v1/vehicles', { label: 'burst bike', batteryCapacityWh: 500, energyWh: 500 });
    const rider = await api('POST', '/v1/riders', { name: 'Burst' });
    const database = new Client({ connectionString: environment.env.SESSIONS_DATABASE_URL });
    await database.connect();
    const written: string[] = [];
    try {
      // 50 bursts of 100 rides: each burst shares one millisecond, its rows 0 to 9 microseconds apart (ties included).
      for (let burst = 0; burst < 50; burst += 1) {
        const ids = Array.from({ length: 100 }, () => randomUUID());
        await database.query(
          `INSERT INTO session (id, kind, state, vehicle_id, rider_id, started_at, ended_at, energy_wh, energy_source,
             distance_m, sample_count, duration_s)
           SELECT id, 'RIDE', 'FINALIZED', $2, $3, started_at, started_at, 0, 'TELEMETRY', 0, 0, 0
             FROM unnest($1::uuid[]) WITH ORDINALITY AS burst (id, n),
                  LATERAL (SELECT timestamptz '2026-03-01T10:00:00.123Z' + make_interval(secs => $4 + (n % 10) / 1e6)
                    AS started_at) AS at`,
          [ids, vehicle.body.id, rider.body.id, burst],
        );
        written.push(...ids);
      }
    } finally {
      await database.end();
    }

    const seen: { id: string; startedAt: string }[] = [];
    let cursor: string | null = '';
    for (let page = 0; cursor !== null && page < 200; page += 1) {
      const answer = await api('GET', `/v1/sessions?vehicleId=${vehicle.body.id}&limit=97&cursor=${cursor}`);
      expect(answer.status).toBe(200);
      seen.push(...(answer.body.items as { id: string; startedAt: string }[]));
      cursor = answer.body.nextCursor as string | null;
    }
    expect(cursor).toBeNull();
    expect(seen).toHaveLength(written.length);
    expect(new Set(seen.map((session) => session.id))).toEqual(new Set(written));
    const instants = seen.map((session) => Date.parse(session.startedAt));
    expect(instants).toEqual([...instants].sort((a, b) => b - a));
  });

  it('pages vehicles created in concurrent bursts through the API each exactly once', async () => {
    const created: string[] = [];
    for (let burst = 0; burst < 3; burst += 1) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          api('POST', '/v1/vehicles', { label: `burst ${burst}-${n}`, batteryCapacityWh: 500, energyWh: 100 }),
        ),
      );
      created.push(...answers.map((answer) => answer.body.id as string));
    }
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let page = 0; cursor !== null && page < 100; page += 1) {
      const answer = await api('GET', `/v1/vehicles?limit=7&cursor=${cursor}`);
      expect(answer.status).toBe(200);
      seen.push(...(answer.body.items as { id: string }[]).map((item) => item.id));
      cursor = answer.body.nextCursor as string | null;
    }
    expect(seen).toHaveLength(new Set(seen).size);
    expect(seen).toEqual(expect.arrayContaining(created));
  });
});
