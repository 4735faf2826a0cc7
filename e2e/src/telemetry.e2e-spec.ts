import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import Decimal from 'decimal.js';
import { Exchanges, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { Stack } from '@chargeflow/infra';
import { createStackEnvironment, waitFor, type StackEnvironment } from '@chargeflow/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are checked field by field
type Json = Record<string, any>;

describe('telemetry from devices to the finalized ride', () => {
  let environment: StackEnvironment;
  let stack: Stack;

  async function api(
    method: string,
    path: string,
    body?: unknown,
    key = environment.adminKey,
  ): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${stack.gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** A device key bound to the vehicle: the only kind of key that may post telemetry. */
  async function deviceKeyFor(vehicleId: string): Promise<string> {
    const created = await api('POST', '/v1/api-keys', { name: `device-${vehicleId}`, role: 'device', vehicleId });
    expect(created.status).toBe(201);
    return created.body.key;
  }

  async function aRide(): Promise<Json> {
    const vehicle = await api('POST', '/v1/vehicles', { label: 'e-bike', batteryCapacityWh: 2_000, energyWh: 2_000 });
    const rider = await api('POST', '/v1/riders', { name: 'Margaret' });
    return (await api('POST', '/v1/rides', { vehicleId: vehicle.body.id, riderId: rider.body.id })).body;
  }

  beforeAll(async () => {
    environment = await createStackEnvironment('telemetry');
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 120_000 });
  });

  afterAll(async () => {
    await stack?.stop();
    await environment?.cleanup();
  });

  it('fixes a ride’s energy at exactly the sum of the 1,000 samples its vehicle published over AMQP', async () => {
    const ride = await aRide();
    const samples = Array.from({ length: 1_000 }, (_, seq) => ({
      telemetryId: randomUUID(),
      sessionId: ride.id,
      vehicleId: ride.vehicleId,
      emittedAt: new Date(Date.now() - 1_000 + seq).toISOString(),
      energyWh: Number((0.001 + (seq % 13) * 0.117).toFixed(3)),
      distanceM: 2.5,
      seq,
    }));
    const expected = samples.reduce((sum, sample) => sum.plus(String(sample.energyWh)), new Decimal(0)).toNumber();

    const connection = await connect(environment.vhost.url);
    const channel = await connection.createConfirmChannel();
    for (const sample of samples) {
      channel.publish(
        Exchanges.telemetry,
        TELEMETRY_ROUTING.vehicleSample(ride.vehicleId),
        Buffer.from(JSON.stringify(sample)),
        {
          persistent: true,
          contentType: 'application/json',
        },
      );
    }
    await channel.waitForConfirms();
    await connection.close();

    await waitFor(
      async () => {
        const page = await api('GET', `/v1/sessions/${ride.id}/telemetry?limit=1000`);
        return page.body.items?.length === 1_000 ? page : undefined;
      },
      30_000,
      'all samples stored',
      200,
    );
    const ended = await api('POST', `/v1/rides/${ride.id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ energyConsumedWh: expected, sampleCount: 1_000, distanceM: 2_500 });
    const vehicle = await api('GET', `/v1/vehicles/${ride.vehicleId}`);
    expect(vehicle.body.energyWh).toBeCloseTo(2_000 - expected, 3);
  });

  it('takes samples over HTTP once the broker confirmed them, and lists them in emission order', async () => {
    const ride = await aRide();
    const batch = [2, 1, 3].map((second) => ({
      telemetryId: randomUUID(),
      vehicleId: ride.vehicleId,
      // Seconds after the ride's start: a sample from before its session (beyond the clock skew) is refused.
      emittedAt: new Date(new Date(ride.startedAt).getTime() + second * 1_000).toISOString(),
      energyWh: second,
    }));
    const device = await deviceKeyFor(ride.vehicleId);
    expect((await api('POST', `/v1/sessions/${ride.id}/telemetry`, batch)).status).toBe(403);
    const accepted = await api('POST', `/v1/sessions/${ride.id}/telemetry`, batch, device);
    expect(accepted).toEqual({ status: 202, body: { queued: 3 } });
    const page = await waitFor(
      async () => {
        const answer = await api('GET', `/v1/sessions/${ride.id}/telemetry?limit=2`);
        return answer.body.items?.length === 2 ? answer : undefined;
      },
      10_000,
      'the samples',
    );
    expect(page.body.items.map((sample: Json) => sample.energyWh)).toEqual([1, 2]);
    const next = await api('GET', `/v1/sessions/${ride.id}/telemetry?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body).toMatchObject({ items: [{ energyWh: 3 }], nextCursor: null });
  });

  it('refuses bad batches at the door and records bad samples with their reason', async () => {
    const ride = await aRide();
    const device = await deviceKeyFor(ride.vehicleId);
    const other = {
      telemetryId: randomUUID(),
      vehicleId: randomUUID(),
      emittedAt: new Date().toISOString(),
      energyWh: 1,
    };
    expect((await api('POST', `/v1/sessions/${ride.id}/telemetry`, other, device)).body.code).toBe('DEVICE_NOT_BOUND');
    const tooMany = Array.from({ length: 1_001 }, () => ({ vehicleId: ride.vehicleId }));
    expect((await api('POST', `/v1/sessions/${ride.id}/telemetry`, tooMany, device)).body.code).toBe(
      'INVALID_BATCH_SIZE',
    );
    const bad = {
      telemetryId: randomUUID(),
      vehicleId: ride.vehicleId,
      emittedAt: new Date().toISOString(),
      energyWh: 1e9,
    };
    expect((await api('POST', `/v1/sessions/${ride.id}/telemetry`, bad, device)).status).toBe(202);
    const rejections = await waitFor(
      async () => {
        const answer = await api('GET', `/v1/telemetry/rejections?sessionId=${ride.id}`);
        return answer.body.items?.length === 1 ? answer : undefined;
      },
      10_000,
      'the rejection',
    );
    expect(rejections.body.items[0]).toMatchObject({
      reason: 'VALUE_OUT_OF_RANGE',
      telemetryId: bad.telemetryId,
      sessionId: ride.id,
    });
    expect(JSON.parse(rejections.body.items[0].payload)).toMatchObject({ energyWh: 1e9 });
  });
});
