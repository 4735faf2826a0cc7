import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  AnalyticsRpc,
  Exchanges,
  TELEMETRY_ROUTING,
  type AnalyticsRebuildProgress,
  type AnalyticsStatus,
  type AnalyticsVerifyRun,
  type RpcReply,
} from '@chargeflow/contracts';
import { REPO_ROOT, Stack } from '@chargeflow/infra';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { createStackEnvironment, RecordingLogger, waitFor, type StackEnvironment } from '@chargeflow/testing';

/** What the test reads of the gateway's JSON answers. */
interface Json {
  id: string;
  status?: string;
  items?: unknown[];
  [field: string]: unknown;
}

/** The analytics service in the whole stack: live from real events, rebuilt from real upstream, on start and on demand. */
describe('analytics in the whole stack', () => {
  jest.setTimeout(180_000);
  let environment: StackEnvironment;
  let stack: Stack;
  let connection: AmqpConnection;
  let rpc: RpcClient;

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

  async function analytics<T>(pattern: string, request: object = {}): Promise<RpcReply<T>> {
    return rpc.request<T>('analytics', pattern, request, { correlationId: 'analytics-stack-test', timeoutMs: 20_000 });
  }

  /** Starts a verification and follows it until it is no longer RUNNING. */
  async function verification(): Promise<AnalyticsVerifyRun> {
    const started = await analytics<AnalyticsVerifyRun>(AnalyticsRpc.verify);
    if (!started.ok) throw new Error(started.error.message);
    return waitFor(
      async () => {
        const run = await analytics<AnalyticsVerifyRun>(AnalyticsRpc.verifyRun, { id: started.data.id });
        if (!run.ok) throw new Error(run.error.message);
        return run.data.status === 'RUNNING' ? undefined : run.data;
      },
      20_000,
      'the verification to finish',
      100,
    );
  }

  const untilRebuilt = () =>
    waitFor(
      async () => {
        const reply = await analytics<AnalyticsStatus>(AnalyticsRpc.status);
        return reply.ok && reply.data.rebuild.state === 'IDLE' && reply.data.rebuild.finishedAt
          ? reply.data
          : undefined;
      },
      60_000,
      'the analytics rebuild to finish',
      200,
    );

  async function aRide(vehicleId: string, riderId: string, energyWh: number): Promise<Json> {
    const ride = (await api('POST', '/v1/rides', { vehicleId, riderId })).body;
    const confirm = await connection.current().createConfirmChannel();
    confirm.publish(
      Exchanges.telemetry,
      TELEMETRY_ROUTING.vehicleSample(vehicleId),
      Buffer.from(
        JSON.stringify({
          telemetryId: randomUUID(),
          sessionId: ride.id,
          vehicleId,
          emittedAt: new Date().toISOString(),
          energyWh,
        }),
      ),
      { persistent: true },
    );
    await confirm.waitForConfirms();
    await confirm.close();
    await waitFor(
      async () => ((await api('GET', `/v1/sessions/${ride.id}/telemetry`)).body.items?.length === 1 ? true : undefined),
      10_000,
      'the sample',
    );
    return (await api('POST', `/v1/rides/${ride.id}/end`)).body;
  }

  /** Every table of the projection, ordered, numerics without trailing zeros. */
  async function snapshot(): Promise<Record<string, unknown[]>> {
    const client = new Client({ connectionString: environment.env.ANALYTICS_DATABASE_URL });
    await client.connect();
    try {
      const tables = {
        session_fact: `SELECT session_id, kind, vehicle_id, rider_id, station_id, started_at, ended_at, duration_s,
                              trim_scale(energy_wh) AS e, trim_scale(distance_m) AS d FROM projection.session_fact`,
        billing_fact: `SELECT session_id, revision, status, currency, trim_scale(total_excl_vat) AS x, trim_scale(total_vat) AS v,
                              trim_scale(total_incl_vat) AS i FROM projection.billing_fact`,
        rollup: `SELECT level, dim, dim_id, kind, bucket, sessions, priced, trim_scale(energy_wh) AS e,
                        trim_scale(distance_m) AS d, duration_s FROM projection.rollup WHERE sessions <> 0 OR priced <> 0`,
        revenue_rollup: `SELECT level, dim, dim_id, kind, currency, bucket, sessions, trim_scale(excl_vat) AS x,
                                trim_scale(vat) AS v, trim_scale(incl_vat) AS i FROM projection.revenue_rollup WHERE sessions <> 0`,
      };
      const result: Record<string, unknown[]> = {};
      for (const [name, sql] of Object.entries(tables))
        result[name] = (await client.query(`${sql} ORDER BY 1, 2, 3, 4, 5, 6`)).rows;
      return result;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    environment = await createStackEnvironment('analytics');
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 120_000 });
    connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'analytics-stack-test',
      logger: new RecordingLogger(),
    });
    rpc = await RpcClient.create(connection);
  });

  afterAll(async () => {
    rpc?.close();
    await connection?.close();
    await stack?.stop();
    await environment?.cleanup();
  });

  it('builds from an empty upstream on first start, then follows, verifies and rebuilds to the same figures', async () => {
    expect((await untilRebuilt()).sessions).toBe(0);

    const vehicle = (await api('POST', '/v1/vehicles', { label: 'bike', batteryCapacityWh: 60_000, energyWh: 30_000 }))
      .body;
    const rider = (await api('POST', '/v1/riders', { name: 'Ada' })).body;
    const unpriced = await aRide(vehicle.id, rider.id, 250);
    await waitFor(
      async () =>
        (await api('GET', `/v1/billing/sessions/${unpriced.id}`)).body.status === 'UNPRICED' ? true : undefined,
      15_000,
      'the ride billed UNPRICED before any tariff',
    );
    const tariff = await api('POST', '/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind: 'RIDE' },
      elements: [{ price_components: [{ type: 'ENERGY', price: '0.30', vat: '20', step_size: 1 }] }],
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
    expect(tariff.status).toBe(201);
    const priced = await aRide(vehicle.id, rider.id, 500);

    // The first ride is re-priced once the tariff appears (revision 2); the second is priced at once.
    const verified = await waitFor(
      async () => {
        const { report } = await verification();
        // Both rides billed upstream too: a verify that ran before the second billing existed agrees with itself.
        const followed = report !== null && report.sessions === 2 && report.upstream.billingRecords === 2;
        return followed && report.differences.length === 0 ? report : undefined;
      },
      30_000,
      'the projection to follow both rides and their billing',
      500,
    );
    expect(verified.upstream).toEqual({ finalizedSessions: 2, billingRecords: 2 });
    const live = await snapshot();
    const revisions = Object.fromEntries(
      (live.billing_fact as Json[]).map((row) => [row.session_id, `${row.status} ${row.revision}`]),
    );
    expect(revisions).toEqual({ [unpriced.id]: 'PRICED 2', [priced.id]: 'PRICED 1' });

    const started = await analytics<AnalyticsRebuildProgress>(AnalyticsRpc.rebuild);
    expect(started.ok && started.data.state).toBe('REBUILDING');
    await untilRebuilt();
    expect(await snapshot()).toEqual(live);

    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'analytics:rebuild'], {
      cwd: REPO_ROOT,
      env: { ...environment.env, RABBITMQ_URL: environment.vhost.url },
    });
    expect(stdout).toMatch(/live since .*, 2 sessions/);
    expect(await snapshot()).toEqual(live);
  });

  it('rebuilds a deleted analytics database on start, to the same figures', async () => {
    const live = await snapshot();
    await stack.processes.analytics.stop();
    const admin = new Client({ connectionString: environment.env.ANALYTICS_DATABASE_URL });
    await admin.connect();
    // Everything the service keeps, whatever its migrations add: the projection and the public schema.
    await admin.query(`DROP SCHEMA projection CASCADE`);
    await admin.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
    await admin.end();
    stack.processes.analytics.start();
    await stack.waitUntilReady(60_000);
    await untilRebuilt();
    expect(await snapshot()).toEqual(live);

    const client = new Client({ connectionString: environment.env.ANALYTICS_DATABASE_URL });
    await client.connect();
    await client.query(`DELETE FROM projection.billing_fact WHERE revision = 2`);
    await client.end();
    const verify = await verification();
    expect(verify.status).toBe('DONE');
    expect(verify.report?.differences).toContainEqual({
      what: 'billing records (upstream vs projection)',
      expected: 2,
      found: 1,
    });
    expect(verify.report?.differences).toContainEqual(
      expect.objectContaining({
        what: expect.stringMatching(/^rollup MONTH ALL .* RIDE .* priced$/),
        expected: 1,
        found: 2,
      }),
    );
  });
});
