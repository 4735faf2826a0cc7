import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiRoles, type ApiRole } from '../src/auth/roles.decorator';
import type { CatalogRoute } from '../src/auth/route-catalog';
import { FixtureRoutesModule } from './fixture-routes';
import { GatewayHarness, type GatewayResponse } from './gateway.harness';

const BOUND_VEHICLE = 'vehicle-0001';
const BOUND_STATION = 'station-0001';

/** A concrete URL for a route template: bound ids where the route names them, fresh UUIDs elsewhere. */
function urlOf(route: CatalogRoute): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) =>
    name === 'vehicleId' ? BOUND_VEHICLE : name === 'stationId' ? BOUND_STATION : randomUUID(),
  );
}

/** A body a device-bound route accepts from the bound device; anything else gets an empty object. */
function bodyOf(route: CatalogRoute): unknown {
  if (!['POST', 'PUT', 'PATCH'].includes(route.method)) return undefined;
  return route.access.kind === 'roles' && route.access.deviceTargets
    ? { samples: [{ vehicleId: BOUND_VEHICLE, energyWh: 1.5 }] }
    : {};
}

describe('gateway access: every route, every role', () => {
  jest.setTimeout(120_000);
  let gateway: GatewayHarness;
  const keys = {} as Record<ApiRole, string>;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_access', {}, [FixtureRoutesModule]);
    for (const role of ApiRoles) {
      keys[role] = (await gateway.createKey(role, role === 'device' ? { vehicleId: BOUND_VEHICLE } : {})).key;
    }
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('knows every route, and each declares @Public or its roles', () => {
    const routes = gateway.routes();
    const described = routes.map((route) => `${route.method} ${route.path}`);
    expect(described).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /readyz',
        'POST /v1/api-keys',
        'GET /v1/api-keys',
        'DELETE /v1/api-keys/:id',
        'GET /metrics',
        'GET /metrics/:service',
        'GET /v1/analytics/summary',
        'GET /v1/vehicles/:id/analytics',
        'GET /v1/analytics/sessions',
        'POST /v1/analytics/rebuild',
        'POST /v1/analytics/verify',
        'GET /v1/analytics/verify/:id',
      ]),
    );
    const undeclared = routes.filter(
      (route) =>
        route.access.kind === 'undeclared' || (route.access.kind === 'roles' && route.access.roles.length === 0),
    );
    expect(undeclared).toEqual([]);
  });

  it('answers 401 on every protected route called without a key', async () => {
    const protectedRoutes = gateway.routes().filter((route) => route.access.kind === 'roles');
    const answers = await Promise.all(
      protectedRoutes.map((route) => gateway.request(route.method, urlOf(route), { body: bodyOf(route) })),
    );
    answers.forEach((answer, index) => {
      const route = protectedRoutes[index];
      expect({ route: `${route.method} ${route.path}`, status: answer.status, code: answer.body.code }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect(answer.headers.get('www-authenticate')).toContain('Bearer');
    });
  });

  it('answers 403 to each role a route does not admit and lets each admitted role through', async () => {
    const protectedRoutes = gateway.routes().filter((route) => route.access.kind === 'roles');
    const cases = protectedRoutes.flatMap((route) => ApiRoles.map((role) => ({ route, role })));
    const answers = await Promise.all(
      cases.map(({ route, role }) =>
        gateway.request(route.method, urlOf(route), { key: keys[role], body: bodyOf(route) }),
      ),
    );
    const outcomes = cases.map(({ route, role }, index) => {
      const admitted = route.access.kind === 'roles' && route.access.roles.includes(role);
      const { status, body } = answers[index];
      return {
        route: `${route.method} ${route.path}`,
        role,
        admitted,
        refused: status === 401 || status === 403,
        code: body?.code,
      };
    });
    for (const outcome of outcomes) {
      expect(outcome).toEqual(
        outcome.admitted
          ? expect.objectContaining({ refused: false })
          : expect.objectContaining({ refused: true, code: 'ROLE_NOT_ALLOWED' }),
      );
    }
    expect(outcomes.filter((outcome) => outcome.admitted).length).toBeGreaterThan(0);
  });

  it('lets a device key post telemetry for its own vehicle only', async () => {
    const post = (key: string, samples: { vehicleId: string; energyWh: number }[]) =>
      gateway.request('POST', '/v1/fixtures/telemetry', { key, body: { samples } });
    expect((await post(keys.device, [{ vehicleId: BOUND_VEHICLE, energyWh: 2 }])).status).toBe(202);

    const foreign = await post(keys.device, [{ vehicleId: 'vehicle-0002', energyWh: 2 }]);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 'DEVICE_NOT_BOUND' });

    const smuggled = await post(keys.device, [
      { vehicleId: BOUND_VEHICLE, energyWh: 2 },
      { vehicleId: 'vehicle-0002', energyWh: 1 },
    ]);
    expect(smuggled.status).toBe(403);
    expect((await post(keys.device, [])).status).toBe(403);

    const stationKey = (await gateway.createKey('device', { stationId: BOUND_STATION })).key;
    expect((await post(stationKey, [{ vehicleId: BOUND_VEHICLE, energyWh: 2 }])).status).toBe(403);
  });

  it('refuses a revoked key at once, an expired key, and a key it never issued', async () => {
    const operator = await gateway.createKey('operator');
    expect((await gateway.request('GET', '/metrics', { key: operator.key })).status).toBe(200);
    expect((await gateway.request('DELETE', `/v1/api-keys/${operator.id}`, { key: gateway.adminKey })).status).toBe(
      204,
    );
    const revoked = await gateway.request('GET', '/metrics', { key: operator.key });
    expect(revoked).toMatchObject({ status: 401, body: { code: 'API_KEY_REVOKED' } });

    const shortLived = await gateway.createKey('operator', { expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect((await gateway.request('GET', '/metrics', { key: shortLived.key })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(await gateway.request('GET', '/metrics', { key: shortLived.key })).toMatchObject({
      status: 401,
      body: { code: 'API_KEY_EXPIRED' },
    });

    const forged = `cf_${'A'.repeat(43)}`;
    expect(await gateway.request('GET', '/metrics', { key: forged })).toMatchObject({
      status: 401,
      body: { code: 'API_KEY_INVALID' },
    });
    const basic = await gateway.request('GET', '/metrics', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic).toMatchObject({ status: 401, body: { code: 'API_KEY_INVALID' } });
  });

  it('refuses at once a key another gateway instance revoked, although this one had it cached', async () => {
    const operator = await gateway.createKey('operator');
    expect((await gateway.request('GET', '/metrics', { key: operator.key })).status).toBe(200);
    const otherInstance = new Client({ connectionString: gateway.databaseUrl });
    await otherInstance.connect();
    try {
      await otherInstance.query('UPDATE api_key SET revoked_at = now() WHERE id = $1', [operator.id]);
    } finally {
      await otherInstance.end();
    }
    const refusedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - refusedAt < 2_000)
      status = (await gateway.request('GET', '/metrics', { key: operator.key })).status;
    expect(status).toBe(401);
    expect(Date.now() - refusedAt).toBeLessThan(1_000);
  });

  describe('API keys', () => {
    it('shows the secret once at creation and never lists it', async () => {
      const created = await gateway.request<Record<string, unknown>>('POST', '/v1/api-keys', {
        key: gateway.adminKey,
        body: { name: 'dispatch console', role: 'operator', expiresAt: '2099-01-01T00:00:00Z' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'dispatch console',
        role: 'operator',
        status: 'active',
        vehicleId: null,
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
      const secret = created.body.key as string;
      expect(secret).toMatch(/^cf_/);
      expect(secret.startsWith(created.body.keyPrefix as string)).toBe(true);

      const listed: GatewayResponse<{ items: Record<string, unknown>[] }> = await gateway.request(
        'GET',
        '/v1/api-keys?limit=100',
        {
          key: gateway.adminKey,
        },
      );
      expect(listed.status).toBe(200);
      const entry = listed.body.items.find((item) => item.id === created.body.id);
      expect(entry).toMatchObject({ name: 'dispatch console', status: 'active' });
      expect(entry).not.toHaveProperty('key');
      expect(JSON.stringify(listed.body)).not.toContain(secret);
    });

    it('lists revoked keys only when asked, with strict flags and a capped page size', async () => {
      const key = await gateway.createKey('analyst');
      await gateway.request('DELETE', `/v1/api-keys/${key.id}`, { key: gateway.adminKey });
      const list = (query: string) =>
        gateway.request<{ items: { id: string; status: string }[]; code?: string }>('GET', `/v1/api-keys?${query}`, {
          key: gateway.adminKey,
        });
      expect((await list('limit=100&includeRevoked=false')).body.items.map((item) => item.id)).not.toContain(key.id);
      expect((await list('limit=100&includeRevoked=true')).body.items).toContainEqual(
        expect.objectContaining({ id: key.id, status: 'revoked' }),
      );
      for (const query of [
        'includeRevoked=1',
        'includeRevoked=yes',
        'limit=1001',
        'limit=0',
        'limit=abc',
        'offset=10',
        'surprise=1',
      ]) {
        expect({ query, answer: await list(query) }).toMatchObject({
          query,
          answer: { status: 400, body: { code: 'VALIDATION_FAILED' } },
        });
      }
      const page = await gateway.request<{ items: { id: string }[]; nextCursor: string }>(
        'GET',
        '/v1/api-keys?limit=2',
        { key: gateway.adminKey },
      );
      expect(page.body.items).toHaveLength(2);
      const next = await gateway.request<{ items: { id: string }[] }>(
        'GET',
        `/v1/api-keys?limit=2&cursor=${page.body.nextCursor}`,
        { key: gateway.adminKey },
      );
      expect(next.status).toBe(200);
      expect(next.body.items.map((item) => item.id)).not.toContain(page.body.items[0].id);
      expect((await list('cursor=garbage')).body.code).toBe('INVALID_CURSOR');
    });

    it('binds device keys to exactly one vehicle or station and nothing else', async () => {
      const create = (body: Record<string, unknown>) =>
        gateway.request('POST', '/v1/api-keys', { key: gateway.adminKey, body: { name: randomUUID(), ...body } });
      expect((await create({ role: 'device' })).body).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [expect.objectContaining({ field: 'vehicleId' })],
      });
      expect((await create({ role: 'device', vehicleId: 'v-1', stationId: 's-1' })).status).toBe(400);
      expect((await create({ role: 'operator', vehicleId: 'v-1' })).status).toBe(400);
      expect((await create({ role: 'root' })).status).toBe(400);
      expect((await create({ role: 'analyst', expiresAt: '2001-01-01T00:00:00Z' })).body).toMatchObject({
        errors: [expect.objectContaining({ field: 'expiresAt' })],
      });
      expect((await create({ role: 'device', stationId: 's-1' })).status).toBe(201);
    });

    it('revokes idempotently and says when there is no such key', async () => {
      const key = await gateway.createKey('analyst');
      expect((await gateway.request('DELETE', `/v1/api-keys/${key.id}`, { key: gateway.adminKey })).status).toBe(204);
      expect((await gateway.request('DELETE', `/v1/api-keys/${key.id}`, { key: gateway.adminKey })).status).toBe(204);
      expect(await gateway.request('DELETE', `/v1/api-keys/${randomUUID()}`, { key: gateway.adminKey })).toMatchObject({
        status: 404,
        body: { code: 'API_KEY_NOT_FOUND' },
      });
      expect(await gateway.request('DELETE', '/v1/api-keys/not-a-uuid', { key: gateway.adminKey })).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION_FAILED' },
      });
    });
  });
});
