import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import Decimal from 'decimal.js';
import { Client } from 'pg';
import {
  Exchanges,
  FleetRpc,
  MAX_TAKEN_IN_QUESTION,
  Queues,
  SessionRpc,
  TELEMETRY_ROUTING,
  TelemetryRpc,
  type BackendService,
  type Page,
  type RejectionView,
  type RiderView,
  type RpcReply,
  type SessionView,
  type TakenInAmongView,
  type TakenInView,
  type VehicleView,
} from '@chargeflow/contracts';
import { ServiceProcess } from '@chargeflow/infra';
import { AmqpConnection, deadLetterQueueOf, replayDeadLetters, RpcClient } from '@chargeflow/messaging';
import { createStackEnvironment, RecordingLogger, waitFor, type StackEnvironment } from '@chargeflow/testing';
import { laneOf } from '../src/ingest/ingest-samples/ingest-samples.handler';

/** Telemetry ingest against real processes: sessions and telemetry on their own databases and vhost. */
describe('telemetry ingest on real RabbitMQ and PostgreSQL', () => {
  let environment: StackEnvironment;
  let sessions: ServiceProcess;
  let telemetry: ServiceProcess;
  let connection: AmqpConnection;
  let channel: ConfirmChannel;
  let rpc: RpcClient;
  let database: Client;
  let rider: RiderView;

  async function ok<T>(service: BackendService, pattern: string, payload: object): Promise<T> {
    const reply: RpcReply<T> = await rpc.request<T>(service, pattern, payload, {
      correlationId: 'ingest-test',
      timeoutMs: 10_000,
    });
    if (!reply.ok) throw new Error(`${pattern} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  async function aRide(): Promise<SessionView> {
    const vehicle = await ok<VehicleView>('sessions', FleetRpc.createVehicle, {
      label: 'bike',
      batteryCapacityWh: 100_000,
      energyWh: 100_000,
    });
    return ok<SessionView>('sessions', SessionRpc.startRide, { vehicleId: vehicle.id, riderId: rider.id });
  }

  const aSample = (ride: SessionView, energyWh: number, overrides: Record<string, unknown> = {}) => ({
    telemetryId: randomUUID(),
    sessionId: ride.id,
    vehicleId: ride.vehicleId,
    emittedAt: new Date().toISOString(),
    energyWh,
    distanceM: 1,
    ...overrides,
  });

  async function publish(
    samples: (object | string)[],
    routingKey?: (sample: Record<string, unknown>) => string,
  ): Promise<void> {
    for (const sample of samples) {
      const record = sample as Record<string, unknown>;
      channel.publish(
        Exchanges.telemetry,
        routingKey ? routingKey(record) : TELEMETRY_ROUTING.vehicleSample(String(record.vehicleId)),
        Buffer.from(typeof sample === 'string' ? sample : JSON.stringify(sample)),
        { persistent: true, contentType: 'application/json' },
      );
    }
    await channel.waitForConfirms();
  }

  async function ledgerOf(
    sessionId: string,
  ): Promise<{ energy_wh: string; sample_count: number; distance_m: string } | undefined> {
    const { rows } = await database.query(
      'SELECT energy_wh, sample_count, distance_m FROM session_ledger WHERE session_id = $1',
      [sessionId],
    );
    return rows[0];
  }

  async function rejectionsOf(sessionId: string): Promise<RejectionView[]> {
    return (await ok<Page<RejectionView>>('telemetry', TelemetryRpc.listRejections, { sessionId, limit: 1000 })).items;
  }

  beforeAll(async () => {
    environment = await createStackEnvironment('ingest');
    sessions = new ServiceProcess('sessions', { env: environment.env, logDir: environment.logDir });
    telemetry = new ServiceProcess('telemetry', { env: environment.env, logDir: environment.logDir });
    sessions.start();
    telemetry.start();
    connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'ingest-test',
      logger: new RecordingLogger(),
    });
    rpc = await RpcClient.create(connection);
    channel = await connection.current().createConfirmChannel();
    await channel.assertExchange(Exchanges.telemetry, 'topic', { durable: true });
    database = new Client({ connectionString: environment.env.TELEMETRY_DATABASE_URL });
    await database.connect();
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
    rider = await ok<RiderView>('sessions', FleetRpc.createRider, { name: 'Linus' });
  });

  afterAll(async () => {
    await database?.end();
    rpc?.close();
    await connection?.close();
    await Promise.all([sessions?.stop(), telemetry?.stop()]);
    await environment?.cleanup();
  });

  async function deadLettered(): Promise<number> {
    return (await channel.checkQueue(deadLetterQueueOf(Queues.telemetrySamples))).messageCount;
  }

  const batchFailures = () => (telemetry.tail(200_000).match(/handling a batch (failed|keeps failing)/g) ?? []).length;

  it('counts the 497 good samples of a batch of 500 beside a lone surrogate, a 3,000-character id and a 70 KiB message', async () => {
    const ride = await aRide();
    const failuresBefore = batchFailures();
    const good = Array.from({ length: 497 }, () => aSample(ride, 0.5));
    const surrogate = JSON.stringify(aSample(ride, 1, { telemetryId: '\ud800' }));
    const longId = aSample(ride, 1, { sessionId: 's'.repeat(3_000) });
    const huge = aSample(ride, 1, { pad: 'x'.repeat(70 * 1024) });
    expect(surrogate).toContain('\\ud800');
    await publish([...good.slice(0, 200), surrogate, ...good.slice(200, 400), longId, huge, ...good.slice(400)]);
    await waitFor(
      async () => ((await ledgerOf(ride.id))?.sample_count === 497 ? true : undefined),
      30_000,
      'the 497 good samples',
      100,
    );
    const refused = await database.query(
      `SELECT reason, length(payload) AS size, length(session_id) AS session_id_length FROM telemetry_rejection
       WHERE payload LIKE $1 OR payload LIKE $2 ORDER BY reason, size`,
      [`%${ride.vehicleId}%`, '%xxxxxxxxxx%'],
    );
    expect(refused.rows.map((row) => row.reason).sort()).toEqual([
      'MESSAGE_TOO_LARGE',
      'SCHEMA_VIOLATION',
      'SCHEMA_VIOLATION',
    ]);
    expect(Math.max(...refused.rows.map((row) => row.size))).toBeLessThanOrEqual(16 * 1024);
    expect(Math.max(...refused.rows.map((row) => row.session_id_length ?? 0))).toBeLessThanOrEqual(128);
    expect(await ledgerOf(ride.id)).toMatchObject({ energy_wh: '248.500' });
    // The next batch is taken at once: no batch failed, none was retried or handed back.
    const next = aSample(ride, 2);
    await publish([next]);
    await waitFor(async () => ((await ledgerOf(ride.id))?.sample_count === 498 ? true : undefined), 10_000, 'next');
    expect(batchFailures()).toBe(failuresBefore);
    expect(await deadLettered()).toBe(0);
  });

  it('keeps the AMQP messageId its publisher set on a rejection, one per publish, even of an unreadable or truncated message', async () => {
    const ride = await aRide();
    const unreadable = `m-unreadable-${randomUUID()}`;
    const huge = `m-huge-${randomUUID()}`;
    const routingKey = TELEMETRY_ROUTING.vehicleSample(ride.vehicleId);
    const again = `m-unreadable-again-${randomUUID()}`;
    // The same bytes from two publishes are two rejections; one publish delivered twice (its messageId and bytes again) is one.
    channel.publish(Exchanges.telemetry, routingKey, Buffer.from('{"telemetryId": '), { messageId: unreadable });
    channel.publish(Exchanges.telemetry, routingKey, Buffer.from('{"telemetryId": '), { messageId: again });
    channel.publish(Exchanges.telemetry, routingKey, Buffer.from('{"telemetryId": '), { messageId: again });
    channel.publish(
      Exchanges.telemetry,
      routingKey,
      Buffer.from(JSON.stringify(aSample(ride, 1, { pad: 'x'.repeat(70 * 1024) }))),
      { messageId: huge, persistent: true },
    );
    await channel.waitForConfirms();
    const rejected = await waitFor(
      async () => {
        const { rows } = await database.query(
          `SELECT message_id, reason FROM telemetry_rejection WHERE message_id = ANY($1) ORDER BY reason, message_id`,
          [[unreadable, again, huge]],
        );
        return rows.length >= 3 ? rows : undefined;
      },
      10_000,
      'both rejections',
      100,
    );
    expect(rejected).toEqual([
      ...[unreadable, again].sort().map((messageId) => ({ message_id: messageId, reason: 'MALFORMED_JSON' })),
      { message_id: huge, reason: 'MESSAGE_TOO_LARGE' },
    ]);
  });

  it('isolates a sample the database refuses to store as UNSTORABLE and counts its companions at once', async () => {
    const ride = await aRide();
    // A value PostgreSQL will not store, whatever the validation before it: here a constraint of the test's.
    await database.query(
      `ALTER TABLE telemetry_sample ADD CONSTRAINT test_refuses_13 CHECK (energy_wh <> 13.013) NOT VALID`,
    );
    try {
      const failuresBefore = batchFailures();
      const samples = Array.from({ length: 99 }, () => aSample(ride, 0.25));
      const unstorable = aSample(ride, 13.013);
      await publish([...samples.slice(0, 37), unstorable, ...samples.slice(37)]);
      await waitFor(
        async () => ((await ledgerOf(ride.id))?.sample_count === 99 ? true : undefined),
        30_000,
        'the 99 storable samples',
        100,
      );
      await waitFor(
        async () => ((await rejectionsOf(ride.id)).length === 0 ? undefined : true),
        10_000,
        'the unstorable sample recorded',
      );
      const { rows } = await database.query(`SELECT reason, payload FROM telemetry_rejection WHERE payload LIKE $1`, [
        `%${unstorable.telemetryId}%`,
      ]);
      expect(rows).toEqual([{ reason: 'UNSTORABLE', payload: JSON.stringify(unstorable) }]);
      expect(await ledgerOf(ride.id)).toMatchObject({ energy_wh: '24.750' });
      expect(batchFailures()).toBe(failuresBefore);
      expect(await deadLettered()).toBe(0);
    } finally {
      await database.query(`ALTER TABLE telemetry_sample DROP CONSTRAINT test_refuses_13`);
    }
  });

  it('refuses implausible emission times with a reason: too far ahead, before the session by more than the skew, a date that does not exist', async () => {
    const ride = await aRide();
    const startedAt = new Date(ride.startedAt).getTime();
    const ahead = aSample(ride, 1, { emittedAt: new Date(Date.now() + 6 * 60_000).toISOString() });
    const before = aSample(ride, 1, { emittedAt: new Date(startedAt - 11 * 60_000).toISOString() });
    const withinSkew = aSample(ride, 1, { emittedAt: new Date(startedAt - 9 * 60_000).toISOString() });
    const impossible = aSample(ride, 1, { emittedAt: '2026-02-31T10:00:00Z' });
    await publish([ahead, before, withinSkew, impossible]);
    await waitFor(async () => ((await rejectionsOf(ride.id)).length === 3 ? true : undefined), 10_000, 'refusals');
    const byTelemetryId = new Map((await rejectionsOf(ride.id)).map((entry) => [entry.telemetryId, entry.reason]));
    expect([byTelemetryId.get(ahead.telemetryId), byTelemetryId.get(before.telemetryId)]).toEqual([
      'VALUE_OUT_OF_RANGE',
      'EMITTED_BEFORE_SESSION_START',
    ]);
    expect(byTelemetryId.get(impossible.telemetryId)).toBe('SCHEMA_VIOLATION');
    expect(await ledgerOf(ride.id)).toMatchObject({ sample_count: 1 });
  });

  it('refuses, sample by sample, what would overflow the session total, and the session still ends', async () => {
    const ride = await aRide();
    await publish([aSample(ride, 1)]);
    await waitFor(async () => ((await ledgerOf(ride.id))?.sample_count === 1 ? true : undefined), 10_000, 'first');
    await database.query(`UPDATE session_ledger SET energy_wh = 99999999999.000 WHERE session_id = $1`, [ride.id]);
    const over = aSample(ride, 1);
    const fits = aSample(ride, 0.999);
    await publish([over, fits]);
    await waitFor(async () => ((await ledgerOf(ride.id))?.sample_count === 2 ? true : undefined), 10_000, 'second');
    expect((await rejectionsOf(ride.id)).map((entry) => [entry.telemetryId, entry.reason])).toEqual([
      [over.telemetryId, 'TOTAL_OUT_OF_RANGE'],
    ]);
    const ended = await ok<SessionView>('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' });
    expect(ended.state).toBe('FINALIZED');
  });

  it('counts a duplicate once and refuses the same telemetryId with other content', async () => {
    const ride = await aRide();
    const sample = aSample(ride, 1.25);
    await publish([sample, sample, { ...sample, energyWh: 9 }]);
    await waitFor(async () => ((await rejectionsOf(ride.id)).length === 1 ? true : undefined), 10_000, 'the conflict');
    expect(await ledgerOf(ride.id)).toMatchObject({ energy_wh: '1.250', sample_count: 1 });
    expect((await rejectionsOf(ride.id))[0]).toMatchObject({
      reason: 'TELEMETRY_ID_CONFLICT',
      telemetryId: sample.telemetryId,
    });
  });

  it('counts a ride’s parked samples at its end, before the seal, more than a batch of them: they came before the end', async () => {
    const ride = await aRide();
    await publish([aSample(ride, 2)]);
    await waitFor(async () => ((await ledgerOf(ride.id))?.sample_count === 1 ? true : undefined), 10_000, 'first');
    // Set aside as the ingest parks samples whose session could not be described (an outage); the
    // retrier would take 500 of them within TELEMETRY_PARKED_RETRY_MS, the end comes first.
    const parked = Array.from({ length: 600 }, () => Buffer.from(JSON.stringify(aSample(ride, 1))));
    await database.query(
      `INSERT INTO parked_sample (id, session_id, routing_key, content)
       SELECT gen_random_uuid(), $1, $2, content FROM unnest($3::bytea[]) AS content`,
      [ride.id, TELEMETRY_ROUTING.vehicleSample(ride.vehicleId), parked],
    );
    const ended = await ok<SessionView>('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' });
    expect(ended).toMatchObject({ energyConsumedWh: 602, sampleCount: 601 });
    expect((await database.query('SELECT 1 FROM parked_sample WHERE session_id = $1', [ride.id])).rowCount).toBe(0);
    expect(await rejectionsOf(ride.id)).toEqual([]);
  });

  it('refuses a sample after the seal with SESSION_FINALIZED, and one for an unknown session', async () => {
    const ride = await aRide();
    const first = aSample(ride, 2);
    await publish([first]);
    await waitFor(
      async () => ((await ledgerOf(ride.id))?.sample_count === 1 ? true : undefined),
      10_000,
      'the first sample',
    );
    const ended = await ok<SessionView>('sessions', SessionRpc.end, { sessionId: ride.id, kind: 'RIDE' });
    expect(ended.energyConsumedWh).toBe(2);
    const late = aSample(ride, 5);
    // Sent twice, in two batches: the same message refused for the same reason is recorded once.
    await publish([late]);
    await waitFor(
      async () => ((await rejectionsOf(ride.id)).length === 1 ? true : undefined),
      10_000,
      'the late sample refused',
    );
    await publish([late]);
    const unknownSession = randomUUID();
    await publish([aSample({ ...ride, id: unknownSession }, 1)]);
    expect((await rejectionsOf(ride.id))[0].reason).toBe('SESSION_FINALIZED');
    await waitFor(
      async () => ((await rejectionsOf(unknownSession)).length === 1 ? true : undefined),
      10_000,
      'the unknown session refused',
    );
    expect((await rejectionsOf(unknownSession))[0].reason).toBe('SESSION_UNKNOWN');
    expect(await rejectionsOf(ride.id)).toHaveLength(1);
    // What a charger's stop waits for: its readings taken in, counted or refused; another session's are not.
    const takenIn = (sessionId: string, telemetryId: string) =>
      ok<TakenInView>('telemetry', TelemetryRpc.takenIn, { sessionId, telemetryId });
    expect(await takenIn(ride.id, first.telemetryId)).toEqual({ takenIn: true });
    expect(await takenIn(ride.id, late.telemetryId)).toEqual({ takenIn: true });
    expect(await takenIn(ride.id, randomUUID())).toEqual({ takenIn: false });
    expect(await takenIn(unknownSession, first.telemetryId)).toEqual({ takenIn: false });
    // The same question for many samples at once: only the pairs taken in come back, as they were asked.
    const nowhere = randomUUID();
    const among = await ok<TakenInAmongView>('telemetry', TelemetryRpc.takenInAmong, {
      samples: [
        { sessionId: ride.id, telemetryId: first.telemetryId.toUpperCase() },
        { sessionId: ride.id, telemetryId: nowhere },
        { sessionId: unknownSession, telemetryId: first.telemetryId },
        { sessionId: ride.id, telemetryId: late.telemetryId },
      ],
    });
    const byId = (a: { telemetryId: string }, b: { telemetryId: string }) => a.telemetryId.localeCompare(b.telemetryId);
    expect([...among.takenIn].sort(byId)).toEqual(
      [
        { sessionId: ride.id, telemetryId: first.telemetryId.toUpperCase() },
        { sessionId: ride.id, telemetryId: late.telemetryId },
      ].sort(byId),
    );
    expect((await ok<TakenInAmongView>('telemetry', TelemetryRpc.takenInAmong, { samples: [] })).takenIn).toEqual([]);
    // A question names at most 1,000 samples: one more is refused as invalid, before any lookup.
    const naming = (count: number) => ({
      samples: Array.from({ length: count }, () => ({ sessionId: ride.id, telemetryId: randomUUID() })),
    });
    const most = await ok<TakenInAmongView>('telemetry', TelemetryRpc.takenInAmong, naming(MAX_TAKEN_IN_QUESTION));
    expect(most.takenIn).toEqual([]);
    const tooMany = await rpc.request<TakenInAmongView>(
      'telemetry',
      TelemetryRpc.takenInAmong,
      naming(MAX_TAKEN_IN_QUESTION + 1),
      { correlationId: 'ingest-test', timeoutMs: 10_000 },
    );
    expect(tooMany).toMatchObject({ ok: false, error: { kind: 'INVALID', code: 'VALIDATION_FAILED' } });
    expect(await ledgerOf(ride.id)).toMatchObject({ energy_wh: '2.000', sample_count: 1 });
    await expect(
      database.query('UPDATE session_ledger SET energy_wh = 0 WHERE session_id = $1', [ride.id]),
    ).rejects.toThrow(/is sealed/);
    await expect(database.query('DELETE FROM session_ledger WHERE session_id = $1', [ride.id])).rejects.toThrow(
      /never deleted/,
    );
  });

  it('records a poison message with its payload and keeps consuming', async () => {
    const ride = await aRide();
    const poison = '{"telemetryId": "broken';
    await publish([poison], () => TELEMETRY_ROUTING.vehicleSample(ride.vehicleId));
    await publish([aSample(ride, 3, { energyWh: -1 })]);
    await publish([aSample(ride, 4)]);
    await waitFor(
      async () => ((await ledgerOf(ride.id))?.sample_count === 1 ? true : undefined),
      10_000,
      'the good sample',
    );
    const { rows } = await database.query(`SELECT reason, payload FROM telemetry_rejection WHERE payload = $1`, [
      poison,
    ]);
    expect(rows).toEqual([{ reason: 'MALFORMED_JSON', payload: poison }]);
    const nul = { ...aSample(ride, 1), telemetryId: 'nul\u0000id' };
    await publish([nul]);
    await waitFor(
      async () => ((await rejectionsOf(ride.id)).length === 2 ? true : undefined),
      10_000,
      'the sample with a NUL recorded',
    );
    expect((await rejectionsOf(ride.id)).map((rejection) => rejection.reason).sort()).toEqual([
      'SCHEMA_VIOLATION',
      'VALUE_OUT_OF_RANGE',
    ]);
  });

  it('counts every distinct sample exactly once when the consumer is killed in the middle of the stream', async () => {
    const ride = await aRide();
    const samples = Array.from({ length: 3_000 }, (_, index) =>
      aSample(ride, Number(((index % 97) * 0.013 + 0.001).toFixed(3))),
    );
    const expected = samples.reduce((sum, sample) => sum.plus(String(sample.energyWh)), new Decimal(0));
    await publish(samples.slice(0, 1_500));
    await waitFor(
      async () => (((await ledgerOf(ride.id))?.sample_count ?? 0) > 0 ? true : undefined),
      10_000,
      'the first batches',
      5,
    );
    await telemetry.kill();
    expect((await ledgerOf(ride.id))?.sample_count).toBeLessThan(3_000);
    await publish([...samples.slice(1_500), ...samples.slice(0, 200)]);
    telemetry.start();
    await waitFor(
      async () => ((await ledgerOf(ride.id))?.sample_count === 3_000 ? true : undefined),
      60_000,
      'all samples counted',
      200,
    );
    const ledger = await ledgerOf(ride.id);
    expect(new Decimal(ledger?.energy_wh ?? 0).equals(expected)).toBe(true);
    const { rows } = await database.query(
      'SELECT count(*)::int AS n, sum(energy_wh) AS total FROM telemetry_sample WHERE session_id = $1',
      [ride.id],
    );
    expect(rows[0].n).toBe(3_000);
    expect(new Decimal(rows[0].total).equals(expected)).toBe(true);
  });

  it('counts every sample once when two telemetry instances race on duplicates of the same samples', async () => {
    const readyLines = () => (telemetry.tail(10_000).match(/"event":"service.ready"/g) ?? []).length;
    const before = readyLines();
    const second = new ServiceProcess('telemetry', { env: environment.env, logDir: environment.logDir });
    second.start();
    try {
      await waitFor(async () => (readyLines() > before ? true : undefined), 30_000, 'the second instance', 100);
      const ride = await aRide();
      const samples = Array.from({ length: 2_000 }, (_, index) =>
        aSample(ride, Number((0.001 + (index % 89) * 0.021).toFixed(3))),
      );
      const expected = samples.reduce((sum, sample) => sum.plus(String(sample.energyWh)), new Decimal(0));
      await publish(samples.flatMap((sample) => [sample, sample]));
      await waitFor(
        async () => ((await ledgerOf(ride.id))?.sample_count === 2_000 ? true : undefined),
        60_000,
        'all samples counted',
        200,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ledger = await ledgerOf(ride.id);
      expect(ledger?.sample_count).toBe(2_000);
      expect(new Decimal(ledger?.energy_wh ?? 0).equals(expected)).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it('has a database that refuses to change or delete a sample', async () => {
    const ride = await aRide();
    const sample = aSample(ride, 1);
    await publish([sample]);
    await waitFor(async () => ((await ledgerOf(ride.id))?.sample_count === 1 ? true : undefined), 10_000, 'the sample');
    await expect(
      database.query('UPDATE telemetry_sample SET energy_wh = 100 WHERE telemetry_id = $1', [sample.telemetryId]),
    ).rejects.toThrow(/append-only/);
    await expect(
      database.query('DELETE FROM telemetry_sample WHERE telemetry_id = $1', [sample.telemetryId]),
    ).rejects.toThrow(/append-only/);
  });

  it('turns a charger’s meter readings into the energy of its charge', async () => {
    const vehicle = await ok<VehicleView>('sessions', FleetRpc.createVehicle, {
      label: 'van',
      batteryCapacityWh: 80_000,
      energyWh: 1_000,
    });
    const station = await ok<{ id: string }>('sessions', FleetRpc.createStation, {
      name: 'Meter 1',
      ratedPowerW: 11_000,
      timeZone: 'UTC',
      metered: true,
    });
    const charge = await ok<SessionView>('sessions', SessionRpc.startCharging, {
      vehicleId: vehicle.id,
      stationId: station.id,
    });
    const reading = (meterWh: number, seq: number) => ({
      telemetryId: randomUUID(),
      sessionId: charge.id,
      stationId: station.id,
      emittedAt: new Date().toISOString(),
      meterWh,
      seq,
    });
    await publish([reading(5_000, 1), reading(5_400.5, 2), reading(5_300, 3), reading(6_000, 4)], () =>
      TELEMETRY_ROUTING.stationMeter(station.id),
    );
    await waitFor(
      async () => ((await rejectionsOf(charge.id)).length === 1 ? true : undefined),
      10_000,
      'the backwards reading refused',
    );
    expect((await rejectionsOf(charge.id))[0].reason).toBe('METER_WENT_BACKWARDS');
    const ended = await ok<SessionView>('sessions', SessionRpc.end, { sessionId: charge.id, kind: 'CHARGING' });
    expect(ended).toMatchObject({ energyDeliveredWh: 1_000, energySource: 'TELEMETRY', sampleCount: 3 });
  });

  it('keeps each charger’s readings in order while a batch is written in lanes side by side', async () => {
    const charges: { charge: SessionView; stationId: string }[] = [];
    const inLane = (lane: number) => charges.filter(({ charge }) => laneOf(charge.id, 2) === lane).length;
    while (inLane(0) < 2 || inLane(1) < 2) {
      const vehicle = await ok<VehicleView>('sessions', FleetRpc.createVehicle, {
        label: 'van',
        batteryCapacityWh: 80_000,
        energyWh: 1_000,
      });
      const station = await ok<{ id: string }>('sessions', FleetRpc.createStation, {
        name: 'Lane meter',
        ratedPowerW: 22_000,
        timeZone: 'UTC',
        metered: true,
      });
      charges.push({
        charge: await ok<SessionView>('sessions', SessionRpc.startCharging, {
          vehicleId: vehicle.id,
          stationId: station.id,
        }),
        stationId: station.id,
      });
    }
    const readings = Array.from({ length: 20 }, (_, step) =>
      charges.map(({ charge, stationId }) => ({
        telemetryId: randomUUID(),
        sessionId: charge.id,
        stationId,
        emittedAt: new Date().toISOString(),
        meterWh: 10_000 + step * 10,
        seq: step,
      })),
    ).flat();
    await publish(readings, (reading) => TELEMETRY_ROUTING.stationMeter(String(reading.stationId)));
    for (const { charge } of charges) {
      await waitFor(
        async () => ((await ledgerOf(charge.id))?.sample_count === 20 ? true : undefined),
        10_000,
        `the readings of ${charge.id}`,
      );
      expect(await rejectionsOf(charge.id)).toEqual([]);
      const ended = await ok<SessionView>('sessions', SessionRpc.end, { sessionId: charge.id, kind: 'CHARGING' });
      expect(ended).toMatchObject({ energyDeliveredWh: 190, energySource: 'TELEMETRY', sampleCount: 20 });
    }
  });

  it('gives a metered charge its highest-seq register minus its lowest when readings arrive in reverse, not counting the vehicle twice', async () => {
    const vehicle = await ok<VehicleView>('sessions', FleetRpc.createVehicle, {
      label: 'van',
      batteryCapacityWh: 80_000,
      energyWh: 1_000,
    });
    const station = await ok<{ id: string }>('sessions', FleetRpc.createStation, {
      name: 'Reverse meter',
      ratedPowerW: 11_000,
      timeZone: 'UTC',
      metered: true,
    });
    const charge = await ok<SessionView>('sessions', SessionRpc.startCharging, {
      vehicleId: vehicle.id,
      stationId: station.id,
    });
    const reading = (meterWh: number, seq: number) => ({
      telemetryId: randomUUID(),
      sessionId: charge.id,
      stationId: station.id,
      emittedAt: new Date().toISOString(),
      meterWh,
      seq,
    });
    const readings = [reading(20_000, 1), reading(20_250, 2), reading(20_600.5, 3), reading(21_000, 4)];
    // One reading per batch, newest first, so every one arrives after a higher seq.
    for (const each of [...readings].reverse()) {
      await publish([each], () => TELEMETRY_ROUTING.stationMeter(station.id));
      await waitFor(
        async () =>
          (await database.query('SELECT 1 FROM telemetry_sample WHERE telemetry_id = $1', [each.telemetryId])).rowCount
            ? true
            : undefined,
        10_000,
        `reading ${each.seq}`,
      );
    }
    const contradicting = reading(20_900, 5);
    const vehicleSample = {
      telemetryId: randomUUID(),
      sessionId: charge.id,
      vehicleId: vehicle.id,
      emittedAt: new Date().toISOString(),
      energyWh: 900,
    };
    await publish([contradicting], () => TELEMETRY_ROUTING.stationMeter(station.id));
    await publish([vehicleSample]);
    await waitFor(async () => ((await rejectionsOf(charge.id)).length === 1 ? true : undefined), 10_000, 'refused');
    expect((await rejectionsOf(charge.id))[0]).toMatchObject({
      reason: 'METER_WENT_BACKWARDS',
      telemetryId: contradicting.telemetryId,
    });
    await waitFor(
      async () =>
        (
          await database.query('SELECT counted FROM telemetry_sample WHERE telemetry_id = $1', [
            vehicleSample.telemetryId,
          ])
        ).rows[0]?.counted === false
          ? true
          : undefined,
      10_000,
      'the vehicle sample stored, not counted',
    );
    const ended = await ok<SessionView>('sessions', SessionRpc.end, { sessionId: charge.id, kind: 'CHARGING' });
    expect(ended).toMatchObject({ energyDeliveredWh: 1_000, energySource: 'TELEMETRY', sampleCount: 4 });
  });

  it('counts a sample the broker dead-lettered once it is replayed, judged by the routing key it was published with', async () => {
    const ride = await aRide();
    const sample = aSample(ride, 7.5);
    // As the broker leaves a message that reached its delivery limit (an outage outlasted the retries).
    channel.sendToQueue(deadLetterQueueOf(Queues.telemetrySamples), Buffer.from(JSON.stringify(sample)), {
      persistent: true,
      headers: {
        'x-death': [
          {
            exchange: Exchanges.telemetry,
            'routing-keys': [TELEMETRY_ROUTING.vehicleSample(ride.vehicleId)],
            reason: 'delivery_limit',
            count: 1,
          },
        ],
      },
    });
    await channel.waitForConfirms();
    expect(await replayDeadLetters(connection.current(), Queues.telemetrySamples)).toBe(1);
    await waitFor(
      async () => ((await ledgerOf(ride.id))?.sample_count === 1 ? true : undefined),
      10_000,
      'the replayed sample counted',
    );
    expect(await ledgerOf(ride.id)).toMatchObject({ energy_wh: '7.500', sample_count: 1 });
    expect(await rejectionsOf(ride.id)).toEqual([]);
  });

  it('keeps counting known sessions while the sessions service is down, parks an unknown one’s samples and judges them once it is back, and remembers an unknown id for a minute', async () => {
    const ride = await aRide();
    await publish([aSample(ride, 1)]);
    await waitFor(async () => ((await ledgerOf(ride.id))?.sample_count === 1 ? true : undefined), 10_000, 'first');
    const unknown = aSample({ ...ride, id: randomUUID() }, 1);
    // An id the sessions service said it does not know is not asked about again within the minute.
    const remembered = randomUUID();
    await publish([aSample({ ...ride, id: remembered }, 1)]);
    await waitFor(async () => ((await rejectionsOf(remembered)).length === 1 ? true : undefined), 10_000, 'unknown');
    await sessions.stop();
    try {
      await publish([unknown, aSample(ride, 2), aSample({ ...ride, id: remembered }, 2)]);
      await waitFor(
        async () => ((await rejectionsOf(remembered)).length === 2 ? true : undefined),
        20_000,
        'the remembered unknown session refused without asking',
      );
      await waitFor(async () => ((await ledgerOf(ride.id))?.sample_count === 2 ? true : undefined), 20_000, 'known');
      const later = aSample(ride, 3);
      await publish([later]);
      await waitFor(async () => ((await ledgerOf(ride.id))?.sample_count === 3 ? true : undefined), 20_000, 'later');
      const parked = await database.query('SELECT session_id FROM parked_sample');
      expect(parked.rows).toEqual([{ session_id: unknown.sessionId }]);
      const { rows } = await database.query('SELECT 1 FROM telemetry_rejection WHERE session_id = $1', [
        unknown.sessionId,
      ]);
      expect(rows).toEqual([]);
    } finally {
      sessions.start();
    }
    await waitFor(
      async () => ((await rejectionsOf(unknown.sessionId)).length === 1 ? true : undefined),
      60_000,
      'the parked sample judged once sessions is back',
      250,
    );
    expect((await rejectionsOf(unknown.sessionId))[0].reason).toBe('SESSION_UNKNOWN');
    expect((await database.query('SELECT count(*)::int AS n FROM parked_sample')).rows[0].n).toBe(0);
    expect(await deadLettered()).toBe(0);
  });
});
