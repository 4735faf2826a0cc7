import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { Stack } from '@chargeflow/infra';
import { createStackEnvironment, waitFor, type StackEnvironment } from '@chargeflow/testing';

describe('the gateway in front of the whole stack', () => {
  jest.setTimeout(180_000);
  let environment: StackEnvironment;
  let stack: Stack;
  let operatorKey: string;

  beforeAll(async () => {
    environment = await createStackEnvironment('gateway');
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 120_000 });
  });

  afterAll(async () => {
    await stack?.stop();
    await environment?.cleanup();
  });

  const get = (path: string, key?: string, requestId?: string) =>
    fetch(`${stack.gatewayUrl}${path}`, {
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
      signal: AbortSignal.timeout(10_000),
    });

  const logLines = (service: 'sessions' | 'api-gateway'): Record<string, unknown>[] =>
    readFileSync(stack.processes[service].logFile ?? '', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('takes the bootstrap admin key from CHARGEFLOW_ADMIN_KEY and issues keys with it', async () => {
    const response = await fetch(`${stack.gatewayUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${environment.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'e2e operator', role: 'operator' }),
    });
    expect(response.status).toBe(201);
    operatorKey = ((await response.json()) as { key: string }).key;
    expect((await get('/metrics')).status).toBe(401);
    expect(JSON.stringify(logLines('api-gateway'))).not.toContain(environment.adminKey);
  });

  it("follows one request id into a service's JSON log", async () => {
    const requestId = `e2e-${randomUUID()}`;
    const response = await get('/metrics/sessions', operatorKey, requestId);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect(await response.text()).toMatch(/chargeflow_outbox_backlog\{service="sessions"\} \d+/);
    const handled = await waitFor(
      async () => logLines('sessions').find((line) => line.correlationId === requestId && line.event === 'rpc.handled'),
      5_000,
      'the sessions service to log the request',
    );
    expect(handled).toMatchObject({ service: 'sessions', pattern: 'metrics.v1', outcome: 'ok' });
    const gatewayLine = await waitFor(
      async () => logLines('api-gateway').find((line) => line.correlationId === requestId),
      5_000,
      'the gateway access log',
    );
    expect(gatewayLine).toMatchObject({ event: 'http.request', status: 200, route: '/metrics/:service' });
  });

  it("serves every service's metrics labelled by service", async () => {
    const text = await (await get('/metrics', operatorKey)).text();
    for (const service of ['sessions', 'telemetry', 'pricing', 'analytics']) {
      expect(text).toContain(`chargeflow_service_up{service="${service}"} 1`);
      expect(text).toMatch(new RegExp(`chargeflow_process_cpu_seconds_total\\{service="${service}"\\} `));
    }
    expect(text).toMatch(
      /chargeflow_http_requests_total\{service="api-gateway",method="GET",route="\/metrics\/:service",status="200"\} [1-9]/,
    );
  });

  it('creates once when a create is retried with its Idempotency-Key after its answer was lost', async () => {
    const post = async (path: string, key: string, idempotencyKey: string, body: object) => {
      const response = await fetch(`${stack.gatewayUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: (await response.json()) as { id: string; state?: string } };
    };
    // A 503 (the service answered after the deadline, or not at all) makes the gateway forget the key,
    // though the service may have carried the command out: this is that moment.
    const gatewayDatabase = new Client({ connectionString: environment.env.GATEWAY_DATABASE_URL });
    await gatewayDatabase.connect();
    const loseTheAnswer = (idempotencyKey: string) =>
      gatewayDatabase.query('DELETE FROM idempotency_record WHERE idempotency_key = $1', [idempotencyKey]);
    try {
      const vehicleKey = `e2e-vehicle-${randomUUID()}`;
      const vehicleBody = { label: `retried ${vehicleKey}`, batteryCapacityWh: 500, energyWh: 400 };
      const vehicle = await post('/v1/vehicles', environment.adminKey, vehicleKey, vehicleBody);
      expect(vehicle.status).toBe(201);
      await loseTheAnswer(vehicleKey);
      expect(await post('/v1/vehicles', environment.adminKey, vehicleKey, vehicleBody)).toEqual(vehicle);
      const listed = (await (await get('/v1/vehicles?limit=1000', operatorKey)).json()) as {
        items: { label: string }[];
      };
      expect(listed.items.filter((item) => item.label === vehicleBody.label)).toHaveLength(1);

      const rider = await post('/v1/riders', environment.adminKey, `e2e-rider-${randomUUID()}`, { name: 'Retry' });
      const rideKey = `e2e-ride-${randomUUID()}`;
      const ride = await post('/v1/rides', operatorKey, rideKey, {
        vehicleId: vehicle.body.id,
        riderId: rider.body.id,
      });
      expect(ride).toMatchObject({ status: 201, body: { state: 'ACTIVE' } });
      await loseTheAnswer(rideKey);
      expect(
        await post('/v1/rides', operatorKey, rideKey, { vehicleId: vehicle.body.id, riderId: rider.body.id }),
      ).toEqual(ride);

      // Another key is another request: the vehicle is busy with the ride the first key started.
      const other = await post('/v1/rides', operatorKey, `e2e-ride-${randomUUID()}`, {
        vehicleId: vehicle.body.id,
        riderId: rider.body.id,
      });
      expect(other).toMatchObject({ status: 409, body: { code: 'VEHICLE_HAS_ACTIVE_SESSION' } });
    } finally {
      await gatewayDatabase.end();
    }
  });

  it('answers 503 naming a stopped service instead of hanging', async () => {
    await stack.processes.telemetry.stop();
    const startedAt = Date.now();
    const response = await get('/metrics/telemetry', operatorKey);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', service: 'telemetry' });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(await (await get('/metrics', operatorKey)).text()).toContain('chargeflow_service_up{service="telemetry"} 0');
  });
});
