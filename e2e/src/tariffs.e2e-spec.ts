import { Client } from 'pg';
import { Stack } from '@chargeflow/infra';
import { createStackEnvironment, type StackEnvironment } from '@chargeflow/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are checked field by field
type Json = Record<string, any>;

const aChargingTariff = (overrides: Json = {}) => ({
  currency: 'EUR',
  appliesTo: { kind: 'CHARGING' },
  elements: [
    { price_components: [{ type: 'ENERGY', price: '0.39', vat: '19', step_size: 1 }] },
    { price_components: [{ type: 'FLAT', price: '0.50', vat: '19', step_size: 1 }] },
  ],
  ...overrides,
});

describe('tariffs and quotes through the gateway', () => {
  let environment: StackEnvironment;
  let stack: Stack;

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

  beforeAll(async () => {
    environment = await createStackEnvironment('tariffs');
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 120_000 });
  });

  afterAll(async () => {
    await stack?.stop();
    await environment?.cleanup();
  });

  it('creates a tariff, publishes a later version, and quotes with the version in force, totals checked by hand', async () => {
    const created = await api('POST', '/v1/tariffs', aChargingTariff());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, appliesTo: { kind: 'CHARGING' }, versions: [{ version: 1 }] });

    const second = await api('PUT', `/v1/tariffs/${created.body.id}`, {
      ...aChargingTariff({
        elements: [{ price_components: [{ type: 'ENERGY', price: '0.45', vat: '19', step_size: 1 }] }],
      }),
      effectiveFrom: '2099-01-01T00:00:00Z',
    });
    expect(second.status).toBe(200);
    expect(second.body.versions.map((version: Json) => version.version)).toEqual([1, 2]);

    // 22.5 kWh at 0.39 = 8.775 -> 8.78 (a tie, away from zero); flat 0.50; VAT 19 % of the 9.28 taxable: 1.7632 -> 1.76.
    const quote = await api('POST', `/v1/tariffs/${created.body.id}/quote`, {
      kind: 'CHARGING',
      startedAt: '2026-11-22T18:30:00Z',
      endedAt: '2026-11-22T20:00:00Z',
      energyWh: 22_500,
      timeZone: 'Europe/Berlin',
    });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({
      currency: 'EUR',
      tariffVersion: 1,
      totalExclVat: '9.28',
      totalVat: '1.76',
      totalInclVat: '11.04',
    });
    const energy = quote.body.lineItems.find((line: Json) => line.type === 'ENERGY');
    expect(energy).toMatchObject({ amountExclVat: '8.78', vat: '19' });
    expect(quote.body.vatBreakdown).toEqual([{ rate: '19', taxable: '9.28', vat: '1.76' }]);
    const again = await api('POST', `/v1/tariffs/${created.body.id}/quote`, {
      kind: 'CHARGING',
      startedAt: '2026-11-22T18:30:00Z',
      endedAt: '2026-11-22T20:00:00Z',
      energyWh: 22_500,
      timeZone: 'Europe/Berlin',
    });
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(quote.body));
  });

  it('refuses bad tariffs and bad quotes with the field or the rule', async () => {
    const invalid = await api(
      'POST',
      '/v1/tariffs',
      aChargingTariff({
        appliesTo: { kind: 'RIDE' },
        elements: [{ price_components: [{ type: 'ENERGY', price: '-1', step_size: 0 }] }],
      }),
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('TARIFF_INVALID');
    expect(invalid.body.errors.map((error: Json) => error.field)).toEqual(
      expect.arrayContaining(['elements[0].price_components[0].price', 'elements[0].price_components[0].step_size']),
    );
    expect((await api('POST', '/v1/tariffs', aChargingTariff({ currency: 'XYZ' }))).body.code).toBe('TARIFF_INVALID');
    expect((await api('POST', '/v1/tariffs', aChargingTariff())).body.code).toBe('TARIFF_ALREADY_EXISTS');

    const ride = await api('POST', '/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind: 'RIDE' },
      elements: [
        {
          price_components: [
            { type: 'FLAT', price: '1.00', step_size: 1 },
            { type: 'TIME', price: '6.00', step_size: 60 },
          ],
        },
      ],
      effectiveFrom: '2026-01-01T00:00:00Z',
    });
    expect(ride.status).toBe(201);
    const backdated = await api('PUT', `/v1/tariffs/${ride.body.id}`, {
      ...ride.body.document,
      effectiveFrom: '2026-06-01T00:00:00Z',
    });
    expect(backdated.status).toBe(422);
    expect(backdated.body).toMatchObject({ code: 'EFFECTIVE_FROM_IN_PAST', errors: [{ field: 'effectiveFrom' }] });
    const later = { ...ride.body.document, effectiveFrom: '2099-06-01T00:00:00Z' };
    expect((await api('PUT', `/v1/tariffs/${ride.body.id}`, later)).status).toBe(200);
    const backwards = await api('PUT', `/v1/tariffs/${ride.body.id}`, {
      ...later,
      effectiveFrom: '2099-01-01T00:00:00Z',
    });
    expect(backwards.body.code).toBe('EFFECTIVE_FROM_BEFORE_PREVIOUS');
    const endsFirst = await api('POST', `/v1/tariffs/${ride.body.id}/quote`, {
      kind: 'RIDE',
      startedAt: '2026-11-22T10:00:00Z',
      endedAt: '2026-11-22T09:00:00Z',
      energyWh: 1,
    });
    expect(endsFirst.status).toBe(400);
    // 61 minutes of ride time billed per started minute at 6.00/h: 1.00 + 6.10 = 7.10.
    const rideQuote = await api('POST', `/v1/tariffs/${ride.body.id}/quote`, {
      kind: 'RIDE',
      startedAt: '2026-11-22T09:00:00Z',
      endedAt: '2026-11-22T10:00:30Z',
      energyWh: 80,
    });
    expect(rideQuote.body.totalExclVat).toBe('7.10');

    // A quote over a year is refused at once, and another client's billing read is answered meanwhile.
    const [yearLong, billingRead] = await Promise.all([
      api('POST', `/v1/tariffs/${ride.body.id}/quote`, {
        kind: 'RIDE',
        startedAt: '2025-01-01T00:00:00Z',
        endedAt: '2026-01-02T00:00:00Z',
        energyWh: 80,
      }),
      api('GET', '/v1/billing?limit=1'),
    ]);
    expect(yearLong.status).toBe(400);
    expect(yearLong.body).toMatchObject({ code: 'QUOTE_SPAN_TOO_LONG', errors: [{ field: 'endedAt' }] });
    expect(billingRead.status).toBe(200);
  });

  it('keeps published versions immutable in the database', async () => {
    const database = new Client({ connectionString: environment.env.PRICING_DATABASE_URL });
    await database.connect();
    try {
      await expect(database.query(`UPDATE tariff_version SET document = '{}'`)).rejects.toThrow(/immutable/);
      await expect(database.query(`DELETE FROM tariff_version`)).rejects.toThrow(/immutable/);
    } finally {
      await database.end();
    }
  });
});
