import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Client } from 'pg';
import {
  BILLING_CALCULATED_V1,
  BILLING_CALCULATED_V2,
  BillingCalculatedV2,
  Exchanges,
  SESSION_FINALIZED_V1,
  TELEMETRY_ROUTING,
  type Envelope,
} from '@chargeflow/contracts';
import { Stack } from '@chargeflow/infra';
import { createStackEnvironment, waitFor, type StackEnvironment } from '@chargeflow/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are checked field by field
type Json = Record<string, any>;

describe('ride, charge, derive: billing through the gateway', () => {
  let environment: StackEnvironment;
  let stack: Stack;
  let connection: ChannelModel;
  let channel: Channel;
  const events: Envelope[] = [];

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${stack.gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${environment.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function publishSamples(routingKey: string, samples: Json[]): Promise<void> {
    const confirm = await connection.createConfirmChannel();
    for (const sample of samples)
      confirm.publish(Exchanges.telemetry, routingKey, Buffer.from(JSON.stringify(sample)), { persistent: true });
    await confirm.waitForConfirms();
    await confirm.close();
  }

  const billingOf = (sessionId: string, status: string) =>
    waitFor(
      async () => {
        const answer = await api('GET', `/v1/billing/sessions/${sessionId}`);
        return answer.status === 200 && answer.body.status === status ? answer.body : undefined;
      },
      15_000,
      `a ${status} billing record`,
      200,
    );

  beforeAll(async () => {
    environment = await createStackEnvironment('billing');
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 120_000 });
    connection = await connect(environment.vhost.url);
    channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, Exchanges.events, SESSION_FINALIZED_V1);
    await channel.bindQueue(queue, Exchanges.events, BILLING_CALCULATED_V1);
    await channel.bindQueue(queue, Exchanges.events, BILLING_CALCULATED_V2);
    await channel.consume(queue, (message) => {
      if (!message) return;
      events.push(JSON.parse(message.content.toString()) as Envelope);
      channel.ack(message);
    });
  });

  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
    await environment?.cleanup();
  });

  it('bills a ride once a tariff appears and a metered charge at once, with totals checked by hand', async () => {
    const vehicle = (
      await api('POST', '/v1/vehicles', { label: 'cargo bike', batteryCapacityWh: 60_000, energyWh: 30_000 })
    ).body;
    const rider = (await api('POST', '/v1/riders', { name: 'Hedy' })).body;
    const ride = (await api('POST', '/v1/rides', { vehicleId: vehicle.id, riderId: rider.id })).body;
    expect((await api('GET', `/v1/billing/sessions/${ride.id}`)).body.code).toBe('SESSION_NOT_FINALIZED');
    expect((await api('GET', `/v1/billing/sessions/${randomUUID()}`)).body.code).toBe('BILLING_RECORD_NOT_FOUND');

    const sample = (energyWh: number) => ({
      telemetryId: randomUUID(),
      sessionId: ride.id,
      vehicleId: vehicle.id,
      emittedAt: new Date().toISOString(),
      energyWh,
    });
    await publishSamples(TELEMETRY_ROUTING.vehicleSample(vehicle.id), [
      sample(250),
      sample(250),
      sample(250),
      sample(250),
    ]);
    await waitFor(
      async () => ((await api('GET', `/v1/sessions/${ride.id}/telemetry`)).body.items?.length === 4 ? true : undefined),
      10_000,
      'the samples',
    );
    expect((await api('POST', `/v1/rides/${ride.id}/end`)).body.energyConsumedWh).toBe(1_000);
    const unpriced = await billingOf(ride.id, 'UNPRICED');
    expect(unpriced.reason).toContain('no RIDE tariff');

    const rideTariff = await api('POST', '/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind: 'RIDE' },
      elements: [
        {
          price_components: [
            { type: 'FLAT', price: '1.00', vat: '20', step_size: 1 },
            { type: 'ENERGY', price: '0.30', vat: '20', step_size: 1 },
          ],
        },
      ],
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
    expect(rideTariff.status).toBe(201);
    // 1.00 flat + 1 kWh at 0.30 = 1.30; VAT 20 %: 0.20 + 0.06 = 0.26; 1.56 in all.
    const rideBill = await billingOf(ride.id, 'PRICED');
    expect(rideBill.billing).toMatchObject({
      currency: 'EUR',
      totalExclVat: '1.30',
      totalVat: '0.26',
      totalInclVat: '1.56',
      tariffId: rideTariff.body.id,
      tariffVersion: 1,
    });

    await api('POST', '/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind: 'CHARGING' },
      elements: [
        { price_components: [{ type: 'ENERGY', price: '0.39', vat: '19', step_size: 1 }] },
        { price_components: [{ type: 'FLAT', price: '0.50', vat: '19', step_size: 1 }] },
      ],
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
    const station = (
      await api('POST', '/v1/stations', {
        name: 'Meter bay',
        ratedPowerW: 22_000,
        timeZone: 'Europe/Berlin',
        metered: true,
      })
    ).body;
    const charge = (await api('POST', '/v1/charging-sessions', { vehicleId: vehicle.id, stationId: station.id })).body;
    const reading = (meterWh: number, seq: number) => ({
      telemetryId: randomUUID(),
      sessionId: charge.id,
      stationId: station.id,
      emittedAt: new Date().toISOString(),
      meterWh,
      seq,
    });
    await publishSamples(TELEMETRY_ROUTING.stationMeter(station.id), [reading(1_000, 1), reading(23_500, 2)]);
    await waitFor(
      async () =>
        (await api('GET', `/v1/sessions/${charge.id}/telemetry`)).body.items?.length === 2 ? true : undefined,
      10_000,
      'the readings',
    );
    expect((await api('POST', `/v1/charging-sessions/${charge.id}/end`)).body.energyDeliveredWh).toBe(22_500);
    // 22.5 kWh at 0.39 = 8.775 -> 8.78 (half to even), VAT 1.6682 -> 1.67; flat 0.50, VAT 0.095 -> 0.10.
    const chargeBill = await billingOf(charge.id, 'PRICED');
    expect(chargeBill.billing).toMatchObject({ totalExclVat: '9.28', totalVat: '1.77', totalInclVat: '11.05' });

    const statement = await api(
      'GET',
      `/v1/riders/${rider.id}/statements?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`,
    );
    expect(statement.body).toMatchObject({
      lines: [{ sessionId: ride.id, totalInclVat: '1.56' }],
      totals: [{ currency: 'EUR', totalExclVat: '1.30', totalVat: '0.26', totalInclVat: '1.56', sessions: 1 }],
      unpriced: 0,
    });
    expect((await api('GET', '/v1/billing?status=PRICED')).body.items).toHaveLength(2);
  });

  const calculatedV2Of = (sessionId: string) =>
    events
      .filter((event) => event.type === BILLING_CALCULATED_V2)
      .map((event) => event.payload as Json)
      .filter((payload) => payload.sessionId === sessionId);

  it('announces every record of a session as billing.calculated.v2, with a revision that grows', async () => {
    const billed = (await api('GET', '/v1/billing?status=PRICED')).body.items as Json[];
    const ride = billed.find((record) => record.kind === 'RIDE')!;
    const charge = billed.find((record) => record.kind === 'CHARGING')!;
    const rideEvents = await waitFor(
      async () => (calculatedV2Of(ride.sessionId).length === 2 ? calculatedV2Of(ride.sessionId) : undefined),
      10_000,
      'the ride announced twice',
    );
    expect(rideEvents).toEqual([
      expect.objectContaining({
        revision: 1,
        status: 'UNPRICED',
        reason: expect.stringContaining('no RIDE tariff'),
        totalInclVat: null,
        endedAt: ride.endedAt,
      }),
      expect.objectContaining({
        revision: 2,
        status: 'PRICED',
        reason: null,
        currency: 'EUR',
        totalExclVat: '1.30',
        totalVat: '0.26',
        totalInclVat: '1.56',
        tariffVersion: 1,
      }),
    ]);
    expect(calculatedV2Of(charge.sessionId)).toEqual([
      expect.objectContaining({ revision: 1, status: 'PRICED', totalInclVat: '11.05' }),
    ]);
    for (const payload of [...rideEvents, ...calculatedV2Of(charge.sessionId)]) {
      expect(
        validateSync(plainToInstance(BillingCalculatedV2, payload), { forbidNonWhitelisted: true, whitelist: true }),
      ).toEqual([]);
    }
  });

  it('prices a finalized event delivered twice once, with one billing.calculated.v1 and one v2', async () => {
    const finalized = events.filter((event) => event.type === SESSION_FINALIZED_V1);
    expect(finalized.length).toBeGreaterThan(0);
    const [first] = finalized;
    channel.publish(Exchanges.events, SESSION_FINALIZED_V1, Buffer.from(JSON.stringify(first)), { persistent: true });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const sessionId = (first.payload as { sessionId: string }).sessionId;
    const calculated = events.filter(
      (event) =>
        event.type === BILLING_CALCULATED_V1 && (event.payload as { sessionId: string }).sessionId === sessionId,
    );
    expect(calculated).toHaveLength(1);
    const revisions = calculatedV2Of(sessionId).map((payload) => payload.revision as number);
    expect(revisions.length).toBeGreaterThan(0);
    expect(revisions).toEqual(revisions.map((_, index) => index + 1));
  });

  it('verifies every record against its inputs, and finds a tampered one', async () => {
    expect((await api('POST', '/v1/billing/verify', {})).body).toEqual({ checked: 2, mismatches: [] });
    const database = new Client({ connectionString: environment.env.PRICING_DATABASE_URL });
    await database.connect();
    try {
      const { rows } = await database.query(
        `UPDATE billing_record SET record = jsonb_set(record, '{totalInclVat}', '"0.01"') WHERE kind = 'RIDE' RETURNING session_id`,
      );
      const report = (await api('POST', '/v1/billing/verify', {})).body;
      expect(report.checked).toBe(2);
      expect(report.mismatches).toEqual([{ sessionId: rows[0].session_id, reason: expect.any(String) }]);
    } finally {
      await database.end();
    }
  });
});
