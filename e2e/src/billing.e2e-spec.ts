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
    // 22.5 kWh at 0.39 = 8.775 -> 8.78 (a tie, away from zero); flat 0.50; VAT 19 % of 9.28 = 1.7632 -> 1.76.
    const chargeBill = await billingOf(charge.id, 'PRICED');
    expect(chargeBill.billing).toMatchObject({
      engineVersion: 'tariff-engine/2',
      totalExclVat: '9.28',
      totalVat: '1.76',
      totalInclVat: '11.04',
      vatBreakdown: [{ rate: '19', taxable: '9.28', vat: '1.76' }],
    });

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
      expect.objectContaining({ revision: 1, status: 'PRICED', totalInclVat: '11.04' }),
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

  it('prices a real charge with an OCPI tariff pasted as a CPO publishes it: JSON numbers, a current restriction', async () => {
    const vehicle = (await api('POST', '/v1/vehicles', { label: 'van', batteryCapacityWh: 80_000, energyWh: 10_000 }))
      .body;
    const station = (
      await api('POST', '/v1/stations', {
        name: 'OCPI bay',
        ratedPowerW: 22_000,
        timeZone: 'Europe/Berlin',
        metered: true,
      })
    ).body;
    // OCPI 2.2.1 Tariff as a CPO's tariffs module serves it, plus ChargeFlow's appliesTo.
    const published = {
      country_code: 'DE',
      party_id: 'ALL',
      id: '14',
      currency: 'EUR',
      type: 'REGULAR',
      tariff_alt_text: [{ language: 'en', text: '0.50 start, 0.25/kWh' }],
      elements: [
        {
          price_components: [{ type: 'ENERGY', price: 0.19, vat: 10.0, step_size: 1 }],
          restrictions: { max_current: 32 },
        },
        { price_components: [{ type: 'FLAT', price: 0.5, vat: 20.0, step_size: 1 }] },
        { price_components: [{ type: 'ENERGY', price: 0.25, vat: 10.0, step_size: 1 }] },
      ],
      last_updated: '2018-12-05T12:01:09Z',
      appliesTo: { kind: 'CHARGING', stationId: station.id },
    };
    const tariff = await api('POST', '/v1/tariffs', published);
    expect(tariff.status).toBe(201);
    expect(tariff.body.document).toMatchObject({ country_code: 'DE', party_id: 'ALL', type: 'REGULAR' });
    expect(tariff.body.document.elements[0]).toEqual({
      price_components: [{ type: 'ENERGY', price: '0.19', vat: '10', step_size: 1 }],
      restrictions: { max_current: '32' },
    });

    const charge = (await api('POST', '/v1/charging-sessions', { vehicleId: vehicle.id, stationId: station.id })).body;
    const reading = (seq: number, meterWh: number) => ({
      telemetryId: randomUUID(),
      sessionId: charge.id,
      stationId: station.id,
      emittedAt: new Date().toISOString(),
      seq,
      meterWh,
    });
    await publishSamples(TELEMETRY_ROUTING.stationMeter(station.id), [reading(1, 5_000), reading(2, 27_500)]);
    await waitFor(
      async () =>
        (await api('GET', `/v1/sessions/${charge.id}/telemetry`)).body.items?.length === 2 ? true : undefined,
      10_000,
      'the readings',
    );
    expect((await api('POST', `/v1/charging-sessions/${charge.id}/end`)).body.energyDeliveredWh).toBe(22_500);
    // The max_current element never matches (no current is measured): 22.5 kWh at 0.25 = 5.625 -> 5.63 at 10 %,
    // the 0.50 start at 20 %; VAT per rate: 0.563 -> 0.56 and 0.10.
    const bill = await billingOf(charge.id, 'PRICED');
    expect(bill.billing).toMatchObject({
      tariffId: tariff.body.id,
      totalExclVat: '6.13',
      totalVat: '0.66',
      totalInclVat: '6.79',
      vatBreakdown: [
        { rate: '10', taxable: '5.63', vat: '0.56' },
        { rate: '20', taxable: '0.50', vat: '0.10' },
      ],
    });
    expect(bill.billing.lineItems.map((line: Json) => [line.type, line.elementIndex, line.amountExclVat])).toEqual([
      ['FLAT', 1, '0.50'],
      ['ENERGY', 2, '5.63'],
    ]);
  });

  /** Starts a verification (202 with its id) and follows it until it is no longer RUNNING. */
  async function verified(): Promise<Json> {
    const started = await api('POST', '/v1/billing/verify', {});
    expect(started.status).toBe(202);
    expect(Object.keys(started.body)).toEqual(['id']);
    return waitFor(
      async () => {
        const progress = await api('GET', `/v1/billing/verify/${started.body.id}`);
        return progress.body.status === 'RUNNING' ? undefined : progress.body;
      },
      15_000,
      'the verification',
      100,
    );
  }

  it('verifies every record against its inputs in the background, and finds a tampered one', async () => {
    const records = ((await api('GET', '/v1/billing?status=PRICED')).body.items as Json[]).length;
    expect(await verified()).toMatchObject({ status: 'DONE', checked: records, total: records, mismatches: [] });
    expect((await api('GET', `/v1/billing/verify/${randomUUID()}`)).body.code).toBe('VERIFICATION_NOT_FOUND');
    const database = new Client({ connectionString: environment.env.PRICING_DATABASE_URL });
    await database.connect();
    try {
      const { rows } = await database.query(
        `UPDATE billing_record SET record = jsonb_set(record, '{totalInclVat}', '"0.01"') WHERE kind = 'RIDE' RETURNING session_id`,
      );
      const report = await verified();
      expect(report).toMatchObject({ status: 'DONE', checked: records, mismatchCount: 1 });
      expect(report.mismatches).toEqual([{ sessionId: rows[0].session_id, reason: expect.any(String) }]);
    } finally {
      await database.end();
    }
  });
});
