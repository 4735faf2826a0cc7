import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import Decimal from 'decimal.js';
import { Client } from 'pg';
import { Exchanges, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { Stack } from '@chargeflow/infra';
import { createStackEnvironment, waitFor, type StackEnvironment } from '@chargeflow/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are checked field by field
type Json = Record<string, any>;

const FROM = '2020-01-01T00:00:00Z';
const TO = '2100-01-01T00:00:00Z';
const sum = (values: (string | number)[]) =>
  values.reduce<Decimal>((total, value) => total.plus(value), new Decimal(0));

describe('ride, charge, derive: analytics through the gateway', () => {
  let environment: StackEnvironment;
  let stack: Stack;
  let broker: ChannelModel;

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
    });
    const text = await response.text();
    let parsed: Json = {};
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      parsed = {};
    }
    return { status: response.status, body: parsed, text };
  }

  async function publish(routingKey: string, samples: Json[]): Promise<void> {
    const channel = await broker.createConfirmChannel();
    for (const sample of samples) {
      channel.publish(Exchanges.telemetry, routingKey, Buffer.from(JSON.stringify(sample)), { persistent: true });
    }
    await channel.waitForConfirms();
    await channel.close();
  }

  async function telemetryCount(sessionId: string): Promise<number> {
    return (await api('GET', `/v1/sessions/${sessionId}/telemetry?limit=1000`)).body.items?.length ?? 0;
  }

  beforeAll(async () => {
    environment = await createStackEnvironment('analytics');
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 120_000 });
    broker = await connect(environment.vhost.url);
  });

  afterAll(async () => {
    await broker?.close();
    await stack?.stop();
    await environment?.cleanup();
  });

  const sessions: Json[] = [];
  const bills: Json[] = [];

  it('derives figures equal to the sums of the sessions and their billing records', async () => {
    for (const kind of ['RIDE', 'CHARGING']) {
      const tariff = await api('POST', '/v1/tariffs', {
        currency: 'EUR',
        appliesTo: { kind },
        elements: [{ price_components: [{ type: 'ENERGY', price: '0.30', vat: '21', step_size: 1 }] }],
        effectiveFrom: '2020-01-01T00:00:00Z',
      });
      expect(tariff.status).toBe(201);
    }
    const vehicle = (
      await api('POST', '/v1/vehicles', { label: 'cargo bike', batteryCapacityWh: 60_000, energyWh: 40_000 })
    ).body;
    const rider = (await api('POST', '/v1/riders', { name: 'Grace, "the admiral"' })).body;
    for (const energies of [
      [120.5, 80.25, 99.125],
      [333.3, 0.7],
    ]) {
      const ride = (await api('POST', '/v1/rides', { vehicleId: vehicle.id, riderId: rider.id })).body;
      await publish(
        TELEMETRY_ROUTING.vehicleSample(vehicle.id),
        energies.map((energyWh, seq) => ({
          telemetryId: randomUUID(),
          sessionId: ride.id,
          vehicleId: vehicle.id,
          emittedAt: new Date().toISOString(),
          energyWh,
          distanceM: 100 + seq,
          seq,
        })),
      );
      await waitFor(
        async () => ((await telemetryCount(ride.id)) === energies.length ? true : undefined),
        10_000,
        'the samples',
      );
      sessions.push((await api('POST', `/v1/rides/${ride.id}/end`)).body);
    }
    const station = (
      await api('POST', '/v1/stations', {
        name: 'Bay 1',
        ratedPowerW: 22_000,
        timeZone: 'Europe/Berlin',
        metered: true,
      })
    ).body;
    const charge = (await api('POST', '/v1/charging-sessions', { vehicleId: vehicle.id, stationId: station.id })).body;
    await publish(
      TELEMETRY_ROUTING.stationMeter(station.id),
      [1_000, 4_250.5].map((meterWh, seq) => ({
        telemetryId: randomUUID(),
        sessionId: charge.id,
        stationId: station.id,
        emittedAt: new Date().toISOString(),
        meterWh,
        seq,
      })),
    );
    await waitFor(async () => ((await telemetryCount(charge.id)) === 2 ? true : undefined), 10_000, 'the readings');
    sessions.push((await api('POST', `/v1/charging-sessions/${charge.id}/end`)).body);

    for (const session of sessions) {
      bills.push(
        await waitFor(
          async () => {
            const answer = await api('GET', `/v1/billing/sessions/${session.id}`);
            return answer.body.status === 'PRICED' ? answer.body : undefined;
          },
          15_000,
          'a priced billing record',
          200,
        ),
      );
    }
    const summary = await waitFor(
      async () => {
        const answer = await api('GET', `/v1/analytics/summary?from=${FROM}&to=${TO}`);
        return answer.status === 200 && answer.body.pricedSessions === 3 ? answer.body : undefined;
      },
      20_000,
      'the analytics summary of the three sessions',
      250,
    );

    const rides = sessions.filter((session) => session.kind === 'RIDE');
    const charges = sessions.filter((session) => session.kind === 'CHARGING');
    expect(summary).toMatchObject({
      rides: 2,
      charges: 1,
      pricedSessions: 3,
      unpricedSessions: 0,
      durationS: sessions.reduce((total, session) => total + session.durationS, 0),
    });
    expect(new Decimal(summary.energyConsumedWh).eq(sum(rides.map((ride) => ride.energyConsumedWh)))).toBe(true);
    expect(new Decimal(summary.energyChargedWh).eq(sum(charges.map((one) => one.energyDeliveredWh)))).toBe(true);
    expect(new Decimal(summary.distanceM).eq(sum(sessions.map((session) => session.distanceM ?? 0)))).toBe(true);
    const [revenue] = summary.revenue;
    expect(summary.revenue).toHaveLength(1);
    expect(revenue.currency).toBe('EUR');
    expect(new Decimal(revenue.exclVat).eq(sum(bills.map((bill) => bill.billing.totalExclVat)))).toBe(true);
    expect(new Decimal(revenue.vat).eq(sum(bills.map((bill) => bill.billing.totalVat)))).toBe(true);
    expect(new Decimal(revenue.inclVat).eq(sum(bills.map((bill) => bill.billing.totalInclVat)))).toBe(true);
  });

  it('explains a figure by its sessions, and a daily series sums to the same figure', async () => {
    const summary = (await api('GET', `/v1/analytics/summary?from=${FROM}&to=${TO}`)).body;
    const explained = (await api('GET', `/v1/analytics/explain?metric=energyConsumedWh&from=${FROM}&to=${TO}`)).body;
    expect(explained.value).toBe(summary.energyConsumedWh);
    expect(explained.items.map((item: Json) => item.sessionId).sort()).toEqual(
      sessions
        .filter((session) => session.kind === 'RIDE')
        .map((ride) => ride.id)
        .sort(),
    );
    expect(sum(explained.items.map((item: Json) => item.value)).eq(summary.energyConsumedWh)).toBe(true);
    const today = new Date();
    const day = (offset: number) =>
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset)).toISOString();
    const series = (
      await api(
        'GET',
        `/v1/analytics/timeseries?metric=revenueInclVat&currency=EUR&window=DAY&from=${day(-2)}&to=${day(2)}&tz=Europe/Berlin`,
      )
    ).body;
    // Berlin days, clipped to [from, to): contiguous from the first instant to the last.
    expect(series.items[0].start).toBe(day(-2));
    expect(series.items[series.items.length - 1].end).toBe(day(2));
    series.items.slice(1).forEach((item: Json, index: number) => expect(item.start).toBe(series.items[index].end));
    expect(sum(series.items.map((item: Json) => item.value)).eq(summary.revenue[0].inclVat)).toBe(true);
  });

  it('exports the sessions joined with their billing as CSV', async () => {
    const response = await fetch(`${stack.gatewayUrl}/v1/analytics/sessions?from=${FROM}&to=${TO}`, {
      headers: { authorization: `Bearer ${environment.adminKey}`, accept: 'text/csv' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + sessions.length);
    for (const session of sessions) expect(lines.some((line) => line.startsWith(session.id))).toBe(true);
  });

  it('gives the same answers after its database is deleted and the service restarted', async () => {
    const paths = [
      `/v1/analytics/summary?from=${FROM}&to=${TO}`,
      `/v1/analytics/summary?from=${FROM}&to=${TO}&groupBy=kind`,
      `/v1/analytics/explain?metric=revenueExclVat&currency=EUR&from=${FROM}&to=${TO}`,
      `/v1/analytics/sessions?from=${FROM}&to=${TO}`,
    ];
    const before = await Promise.all(paths.map(async (path) => (await api('GET', path)).body));

    const analytics = stack.processes.analytics;
    await analytics.stop();
    const database = new Client({ connectionString: environment.env.ANALYTICS_DATABASE_URL });
    await database.connect();
    try {
      await database.query(`DROP SCHEMA projection CASCADE`);
      await database.query(`DROP SCHEMA public CASCADE`);
      await database.query(`CREATE SCHEMA public`);
    } finally {
      await database.end();
    }
    analytics.start();
    await waitFor(
      async () => {
        const answer = await api('GET', paths[0]);
        return answer.status === 200 ? true : undefined;
      },
      60_000,
      'analytics rebuilt from upstream',
      500,
    );
    const after = await Promise.all(paths.map(async (path) => (await api('GET', path)).body));
    expect(after).toEqual(before);
  });
});
