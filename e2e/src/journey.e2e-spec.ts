import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import Decimal from 'decimal.js';
import mqtt from 'mqtt';
import type { RPCClient } from 'ocpp-rpc';
import { Exchanges, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { Stack } from '@chargeflow/infra';
import {
  aChargePoint,
  createStackEnvironment,
  startOwnBroker,
  waitFor,
  type OwnBroker,
  type StackEnvironment,
} from '@chargeflow/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are checked field by field
type Json = Record<string, any>;

const FROM = '2020-01-01T00:00:00Z';
const TO = '2100-01-01T00:00:00Z';
const sum = (values: Decimal.Value[]) => values.reduce<Decimal>((total, value) => total.plus(value), new Decimal(0));

/**
 * A tariff line as the README states the rule: the session's energy rounded up to `step_size` Wh once,
 * times the price per kWh, rounded to the cent with ties away from zero.
 */
const energyLine = (energyWh: Decimal.Value, pricePerKWh: string, stepWh = 1) =>
  new Decimal(energyWh)
    .div(stepWh)
    .ceil()
    .times(stepWh)
    .div(1_000)
    .times(pricePerKWh)
    .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
/** EN 16931 as the README states it: VAT = the taxable amount at a rate × the rate, rounded once, ties away from zero. */
const vatOf = (taxable: Decimal, ratePercent: string) =>
  taxable.times(ratePercent).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/**
 * The ride → charge → derive journey, through public interfaces only, as real clients would: the REST
 * API as the admin, a vehicle publishing its samples over AMQP and MQTT with its own broker credentials,
 * the OCPP-J library's client as the charger. Every figure at the end is checked against a hand
 * computation from what the clients sent. On a broker node of its own; the vehicle connects over MQTT
 * with its credentials' `mqttUsername` (`<vhost>:<username>`), as any device would.
 */
describe('the ride → charge → derive journey', () => {
  jest.setTimeout(180_000);

  let broker: OwnBroker;
  let environment: StackEnvironment;
  let stack: Stack;
  let charger: RPCClient;

  const fleet: Json = {};
  const sessions: Record<'ride' | 'ocppCharge' | 'ratedCharge', Json> = {} as never;
  const bills: Record<string, Json> = {};

  async function api(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json; text: string }> {
    const response = await fetch(`${stack.gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${environment.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Json, text };
  }

  async function created(path: string, body: unknown): Promise<Json> {
    const answer = await api('POST', path, body);
    expect(answer.status).toBe(201);
    return answer.body;
  }

  async function csvExport(): Promise<string> {
    const response = await fetch(`${stack.gatewayUrl}/v1/analytics/sessions?from=${FROM}&to=${TO}`, {
      headers: { authorization: `Bearer ${environment.adminKey}`, accept: 'text/csv' },
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  beforeAll(async () => {
    broker = await startOwnBroker('journey');
    environment = await createStackEnvironment('journey');
    environment.env.RABBITMQ_URL = broker.url;
    environment.env.RABBITMQ_MANAGEMENT_URL = broker.managementUrl;
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 170_000 });
  }, 240_000);

  afterAll(async () => {
    await charger?.close({ force: true });
    await stack?.stop();
    await environment?.cleanup();
    await broker?.stop();
  }, 120_000);

  it('an admin sets up a vehicle, an OCPP-linked metered station, an unmetered station, a rider with a token and tariffs', async () => {
    fleet.vehicle = await created('/v1/vehicles', { label: 'cargo e-bike', batteryCapacityWh: 5_000, energyWh: 4_000 });
    fleet.chargePointId = `CP-${randomBytes(4).toString('hex')}`;
    fleet.chargePointPassword = randomBytes(18).toString('base64url');
    await created('/v1/charge-points', { chargePointId: fleet.chargePointId, password: fleet.chargePointPassword });
    fleet.meteredStation = await created('/v1/stations', {
      name: 'Depot bay 1',
      ratedPowerW: 11_000,
      timeZone: 'Europe/Berlin',
      metered: true,
      ocpp: { chargePointId: fleet.chargePointId, connectorId: 1 },
    });
    fleet.ratedStation = await created('/v1/stations', {
      name: 'Kerbside socket',
      ratedPowerW: 3_600,
      timeZone: 'Europe/Berlin',
      metered: false,
    });
    fleet.rider = await created('/v1/riders', { name: 'Katherine' });
    fleet.idTag = `JOURNEY${randomBytes(4).toString('hex').toUpperCase()}`;
    await created(`/v1/riders/${fleet.rider.id}/tokens`, { idTag: fleet.idTag, vehicleId: fleet.vehicle.id });
    fleet.credential = await created('/v1/device-credentials', { vehicleId: fleet.vehicle.id });

    // Rides: 0.50 FLAT + 0.30/kWh at 21 %; charges: 0.40/kWh at 19 %; the kerbside socket: 0.50/kWh at 7 %.
    await created('/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind: 'RIDE' },
      elements: [
        {
          price_components: [
            { type: 'FLAT', price: 0.5, vat: 21, step_size: 1 },
            { type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 },
          ],
        },
      ],
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
    await created('/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind: 'CHARGING' },
      elements: [{ price_components: [{ type: 'ENERGY', price: '0.40', vat: '19', step_size: 1 }] }],
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
    await created('/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind: 'CHARGING', stationId: fleet.ratedStation.id },
      elements: [{ price_components: [{ type: 'ENERGY', price: '0.50', vat: '7', step_size: 1 }] }],
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
  });

  it('a ride streams 500 samples over AMQP and 100 over MQTT as its vehicle, and ends with exactly their sum', async () => {
    const { vehicle, rider, credential } = fleet;
    const ride = await created('/v1/rides', { vehicleId: vehicle.id, riderId: rider.id });
    const sample = (seq: number, energyWh: number) => ({
      telemetryId: randomUUID(),
      sessionId: ride.id,
      vehicleId: vehicle.id,
      emittedAt: new Date().toISOString(),
      energyWh,
      distanceM: 3.5,
      seq,
    });
    const overAmqp = Array.from({ length: 500 }, (_, seq) => sample(seq, [1.125, 0.875, 1.5, 0.5][seq % 4]));
    const overMqtt = Array.from({ length: 100 }, (_, seq) => sample(500 + seq, [0.25, 0.75][seq % 2]));

    const amqpUrl = new URL(broker.url);
    amqpUrl.username = encodeURIComponent(credential.username);
    amqpUrl.password = encodeURIComponent(credential.password);
    const connection = await connect(amqpUrl.toString());
    try {
      const channel = await connection.createConfirmChannel();
      for (const one of overAmqp)
        channel.publish(
          Exchanges.telemetry,
          TELEMETRY_ROUTING.vehicleSample(vehicle.id),
          Buffer.from(JSON.stringify(one)),
          { persistent: true, contentType: 'application/json', messageId: one.telemetryId },
        );
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, {
      username: credential.mqttUsername,
      password: credential.password,
      clientId: `vehicle-${vehicle.id}`,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    try {
      for (const one of overMqtt) await client.publishAsync(`sample/${vehicle.id}`, JSON.stringify(one), { qos: 1 });
    } finally {
      await client.endAsync();
    }
    await waitFor(
      async () => {
        const page = await api('GET', `/v1/sessions/${ride.id}/telemetry?limit=1000`);
        return page.body.items?.length === 600 ? true : undefined;
      },
      60_000,
      'the ride’s 600 samples counted',
      250,
    );
    const ended = await api('POST', `/v1/rides/${ride.id}/end`);
    expect(ended.status).toBe(200);
    const all = [...overAmqp, ...overMqtt];
    expect(ended.body).toMatchObject({
      state: 'FINALIZED',
      energyConsumedWh: sum(all.map((one) => one.energyWh)).toNumber(),
      distanceM: sum(all.map((one) => one.distanceM)).toNumber(),
      sampleCount: 600,
    });
    expect(ended.body.energyConsumedWh).toBe(550);
    sessions.ride = ended.body;
    expect((await api('GET', `/v1/telemetry/rejections?sessionId=${ride.id}`)).body.items).toEqual([]);
  });

  it('a charge on the OCPP charger (boot, authorize, start, MeterValues, stop) delivers exactly the register delta', async () => {
    charger = aChargePoint({
      endpoint: environment.ocppUrl,
      identity: fleet.chargePointId,
      password: fleet.chargePointPassword,
    });
    await charger.connect();
    expect(
      await charger.call('BootNotification', { chargePointVendor: 'ChargeFlow', chargePointModel: 'Journey' }),
    ).toMatchObject({ status: 'Accepted' });
    expect(await charger.call('Authorize', { idTag: fleet.idTag })).toEqual({ idTagInfo: { status: 'Accepted' } });
    const base = Date.now() - 60_000;
    const at = (seconds: number) => new Date(base + seconds * 1_000).toISOString();
    const meterStart = 250_000;
    const { transactionId, idTagInfo } = (await charger.call('StartTransaction', {
      connectorId: 1,
      idTag: fleet.idTag,
      meterStart,
      timestamp: at(0),
    })) as Json;
    expect(idTagInfo.status).toBe('Accepted');
    let register = meterStart;
    for (let index = 1; index <= 10; index += 1) {
      register += 111 + index;
      await charger.call('MeterValues', {
        connectorId: 1,
        transactionId,
        meterValue: [{ timestamp: at(index * 3), sampledValue: [{ value: String(register), unit: 'Wh' }] }],
      });
    }
    const meterStop = register + 9;
    expect(
      await charger.call('StopTransaction', { transactionId, idTag: fleet.idTag, meterStop, timestamp: at(40) }),
    ).toEqual({ idTagInfo: { status: 'Accepted' } });
    const sessionId = ((await api('GET', `/v1/sessions?stationId=${fleet.meteredStation.id}`)).body.items as Json[])[0]
      .id as string;
    // The stop is answered first; the charge ends once telemetry has counted the start's and the stop's readings.
    const charge = await waitFor(
      async () => {
        const session = (await api('GET', `/v1/sessions/${sessionId}`)).body;
        return session.state === 'FINALIZED' ? session : undefined;
      },
      60_000,
      'the charge to end',
      100,
    );
    expect(charge).toMatchObject({
      state: 'FINALIZED',
      kind: 'CHARGING',
      vehicleId: fleet.vehicle.id,
      riderId: fleet.rider.id,
      energySource: 'TELEMETRY',
      energyDeliveredWh: meterStop - meterStart,
    });
    expect(charge.energyDeliveredWh).toBe(1_174);
    sessions.ocppCharge = charge;
  });

  it('a charge at the unmetered station delivers its rated power over the elapsed time', async () => {
    const started = await created('/v1/charging-sessions', {
      vehicleId: fleet.vehicle.id,
      stationId: fleet.ratedStation.id,
      riderId: fleet.rider.id,
    });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const ended = await api('POST', `/v1/charging-sessions/${started.id}/end`);
    expect(ended.status).toBe(200);
    const elapsedMs = Date.parse(ended.body.endedAt) - Date.parse(ended.body.startedAt);
    // 3,600 W for the elapsed time, to the milliwatt-hour, within the battery space free at the start.
    const free = new Decimal(5_000).minus(4_000).plus(550).minus(1_174);
    const expected = Decimal.min(new Decimal(3_600).times(elapsedMs).div(3_600_000).toDecimalPlaces(3), free);
    expect(ended.body).toMatchObject({ state: 'FINALIZED', energySource: 'RATED_POWER', riderId: fleet.rider.id });
    expect(new Decimal(ended.body.energyDeliveredWh).eq(expected)).toBe(true);
    expect(elapsedMs).toBeGreaterThanOrEqual(2_500);
    sessions.ratedCharge = ended.body;
  });

  it('prices all three as the tariffs and EN 16931 say, and leaves the battery where the sessions put it', async () => {
    for (const session of Object.values(sessions)) {
      bills[session.id] = await waitFor(
        async () => {
          const answer = await api('GET', `/v1/billing/sessions/${session.id}`);
          return answer.body.status === 'PRICED' ? answer.body.billing : undefined;
        },
        30_000,
        `a priced billing record for ${session.id}`,
        250,
      );
    }
    const expectations = [
      { session: sessions.ride, lines: [energyLine(550, '0.30'), new Decimal('0.50')], rate: '21' },
      { session: sessions.ocppCharge, lines: [energyLine(1_174, '0.40')], rate: '19' },
      { session: sessions.ratedCharge, lines: [energyLine(sessions.ratedCharge.energyDeliveredWh, '0.50')], rate: '7' },
    ];
    for (const { session, lines, rate } of expectations) {
      const bill = bills[session.id];
      const taxable = sum(lines);
      const vat = vatOf(taxable, rate);
      expect(bill).toMatchObject({
        currency: 'EUR',
        totalExclVat: taxable.toFixed(2),
        totalVat: vat.toFixed(2),
        totalInclVat: taxable.plus(vat).toFixed(2),
      });
      expect(bill.vatBreakdown).toEqual([
        { rate: expect.any(String), taxable: taxable.toFixed(2), vat: vat.toFixed(2) },
      ]);
      expect(new Decimal(bill.vatBreakdown[0].rate).eq(rate)).toBe(true);
    }
    // 550 Wh at 0.30 is 0.165, a tie, so 0.17; with the 0.50 FLAT 0.67 taxable, 0.1407 VAT so 0.14: 0.81.
    expect(bills[sessions.ride.id]).toMatchObject({ totalExclVat: '0.67', totalVat: '0.14', totalInclVat: '0.81' });
    expect(bills[sessions.ocppCharge.id]).toMatchObject({
      totalExclVat: '0.47',
      totalVat: '0.09',
      totalInclVat: '0.56',
    });

    const battery = new Decimal(4_000).minus(550).plus(1_174).plus(sessions.ratedCharge.energyDeliveredWh);
    const vehicle = (await api('GET', `/v1/vehicles/${fleet.vehicle.id}`)).body;
    expect(new Decimal(vehicle.energyWh).eq(battery)).toBe(true);
    expect(vehicle.activeSessionId ?? null).toBeNull();
  });

  it('derives analytics that agree with the sessions and their billing, and survive a rebuild', async () => {
    const all = Object.values(sessions);
    const summary = await waitFor(
      async () => {
        const answer = await api('GET', `/v1/analytics/summary?from=${FROM}&to=${TO}`);
        return answer.status === 200 && answer.body.pricedSessions === 3 ? answer.body : undefined;
      },
      30_000,
      'the analytics summary of the three sessions',
      250,
    );
    expect(summary).toMatchObject({ rides: 1, charges: 2, pricedSessions: 3, unpricedSessions: 0 });
    expect(summary.durationS).toBe(all.reduce((total, session) => total + session.durationS, 0));
    expect(new Decimal(summary.energyConsumedWh).eq(550)).toBe(true);
    expect(new Decimal(summary.energyChargedWh).eq(sum([1_174, sessions.ratedCharge.energyDeliveredWh]))).toBe(true);
    const revenue = { exclVat: [] as string[], vat: [] as string[], inclVat: [] as string[] };
    for (const bill of Object.values(bills)) {
      revenue.exclVat.push(bill.totalExclVat);
      revenue.vat.push(bill.totalVat);
      revenue.inclVat.push(bill.totalInclVat);
    }
    expect(summary.revenue).toHaveLength(1);
    expect(summary.revenue[0]).toMatchObject({ currency: 'EUR' });
    for (const part of ['exclVat', 'vat', 'inclVat'] as const)
      expect(new Decimal(summary.revenue[0][part]).eq(sum(revenue[part]))).toBe(true);

    const explained = (await api('GET', `/v1/analytics/explain?metric=energyChargedWh&from=${FROM}&to=${TO}`)).body;
    expect(explained.value).toBe(summary.energyChargedWh);
    expect(explained.items.map((item: Json) => item.sessionId).sort()).toEqual(
      [sessions.ocppCharge.id, sessions.ratedCharge.id].sort(),
    );
    const csv = (await csvExport()).trimEnd().split('\r\n');
    expect(csv).toHaveLength(1 + all.length);
    for (const session of all) expect(csv.filter((line) => line.startsWith(session.id))).toHaveLength(1);

    const verification = await api('POST', '/v1/billing/verify', {});
    expect(verification.status).toBe(202);
    const verified = await waitFor(
      async () => {
        const run = (await api('GET', `/v1/billing/verify/${verification.body.id}`)).body;
        return run.status === 'DONE' || run.status === 'FAILED' ? run : undefined;
      },
      60_000,
      'billing verify to finish',
      250,
    );
    expect(verified).toMatchObject({ status: 'DONE', checked: 3, total: 3, mismatchCount: 0 });

    const today = new Date();
    const day = (offset: number) =>
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset)).toISOString();
    const paths = [
      `/v1/analytics/summary?from=${FROM}&to=${TO}`,
      `/v1/analytics/summary?from=${FROM}&to=${TO}&groupBy=kind`,
      `/v1/analytics/explain?metric=revenueInclVat&currency=EUR&from=${FROM}&to=${TO}`,
      `/v1/analytics/timeseries?metric=energyChargedWh&window=HOUR&from=${day(-1)}&to=${day(2)}&tz=Europe/Berlin`,
      `/v1/riders/${fleet.rider.id}/analytics?from=${FROM}&to=${TO}`,
    ];
    const before = await Promise.all(paths.map(async (path) => (await api('GET', path)).body));
    // The rider rode once and charged twice (the OCPP charge by their idTag, the other naming them).
    expect(before[4]).toMatchObject({ rides: 1, charges: 2, pricedSessions: 3 });
    const csvBefore = await csvExport();
    const rebuild = await api('POST', '/v1/analytics/rebuild');
    expect(rebuild.status).toBe(202);
    await waitFor(
      async () => {
        const status = (await api('GET', '/v1/analytics/status')).body;
        const { state, finishedAt } = status.rebuild ?? {};
        return state === 'IDLE' && finishedAt && Date.parse(finishedAt) >= Date.parse(rebuild.body.startedAt)
          ? status
          : undefined;
      },
      120_000,
      'the analytics rebuild to finish',
      500,
    );
    expect(await Promise.all(paths.map(async (path) => (await api('GET', path)).body))).toEqual(before);
    expect(await csvExport()).toBe(csvBefore);
  });
});
