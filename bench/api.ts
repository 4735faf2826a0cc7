import autocannon from 'autocannon';
import { buildServices, ensureInfrastructure, infraSettings, recordBenchResult, Stack } from '@chargeflow/infra';
import { createStackEnvironment } from '@chargeflow/testing';

/**
 * `npm run bench:api`: ride start + end pairs through the gateway at 50 connections for 30 s, the
 * same pairs sent at a steady rate the machine sustains, GET /healthz (no I/O) and an authenticated
 * read (key check and a page query), measured in the same run on a stack of its own (own databases,
 * virtual host and port). Not a test: it prints a table.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 30);
const TARGET_P99_MS = 50;
/** Requests per second of the steady run: each request leaves on time, whether or not earlier ones were answered. */
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 100);
/** Freshly started services run cold code: the first seconds are not measured. */
const WARM_UP_S = 10;

interface Row {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
}

interface Fixture {
  vehicleId: string;
  riderId: string;
}

function rowOf(name: string, result: autocannon.Result): Row {
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, count ?? 0]),
  );
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    statuses,
  };
}

const log = (line: string) => console.log(`bench: ${line}`);

async function post<T>(baseUrl: string, path: string, key: string, body: object): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as T };
}

async function created<T extends { id: string }>(baseUrl: string, path: string, key: string, body: object): Promise<T> {
  const answer = await post<T>(baseUrl, path, key, body);
  if (answer.status !== 201) throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

function measure(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** A vehicle with its own rider for each connection or pacing slot. */
async function rideFixtures(baseUrl: string, adminKey: string, count: number): Promise<Fixture[]> {
  const fixtures: Fixture[] = [];
  for (let index = 0; index < count; index += 1) {
    const vehicle = await created<{ id: string }>(baseUrl, '/v1/vehicles', adminKey, {
      label: `bench-${index}`,
      batteryCapacityWh: 500,
      energyWh: 500,
    });
    const rider = await created<{ id: string }>(baseUrl, '/v1/riders', adminKey, { name: `Bench Rider ${index}` });
    fixtures.push({ vehicleId: vehicle.id, riderId: rider.id });
  }
  return fixtures;
}

/**
 * Each connection rides a vehicle of its own with its own rider: start, end, start, end, ... as fast
 * as answers come. autocannon clears a connection's context before each start, so a pair takes an
 * idle fixture and gives it back once its ride has ended (or did not start).
 */
async function ridePairs(baseUrl: string, fixtures: Fixture[], key: string): Promise<autocannon.Result> {
  const idle = [...fixtures];
  type Pair = { fixture?: Fixture; rideId?: string };
  const release = (pair: Pair) => {
    if (pair.fixture) idle.push(pair.fixture);
    pair.fixture = undefined;
  };
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  return measure({
    url: baseUrl,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        path: '/v1/rides',
        headers,
        setupRequest: (request, context) => {
          const pair = context as Pair;
          pair.fixture = idle.pop();
          if (!pair.fixture) throw new Error('more connections than vehicles');
          return { ...request, body: JSON.stringify(pair.fixture) };
        },
        onResponse: (status, body, context) => {
          const pair = context as Pair;
          pair.rideId = status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
          if (!pair.rideId) release(pair);
        },
      },
      {
        method: 'POST',
        headers,
        body: '{}',
        setupRequest: (request, context) => {
          const rideId = (context as Pair).rideId;
          return rideId ? { ...request, path: `/v1/rides/${rideId}/end` } : (null as unknown as autocannon.Request);
        },
        onResponse: (_status, _body, context) => release(context as Pair),
      },
    ],
  });
}

const percentile = (sorted: number[], fraction: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];

/**
 * Ride pairs started on a fixed schedule (an open loop): a request's latency includes any wait for a
 * busy service, but a slow answer does not hold back the next request, as it would with connections.
 * A pair whose vehicle is still riding is not sent and counts as an error: the stack fell behind.
 */
async function steadyPairs(baseUrl: string, fixtures: Fixture[], key: string, seconds: number): Promise<Row> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const timed = async (path: string, body: object): Promise<{ status: number; text: string }> => {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    latencies.push(performance.now() - started);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    return { status: response.status, text };
  };
  const ride = async (fixture: Fixture): Promise<void> => {
    const start = await timed('/v1/rides', fixture);
    if (start.status === 201) await timed(`/v1/rides/${(JSON.parse(start.text) as { id: string }).id}/end`, {});
  };
  const idle = [...fixtures];
  const pairs: Promise<void>[] = [];
  const intervalMs = 2_000 / STEADY_RATE;
  const began = performance.now();
  for (let sent = 0; sent * intervalMs < seconds * 1_000; sent += 1) {
    const wait = began + sent * intervalMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const fixture = idle.pop();
    if (!fixture) {
      errors += 2;
      continue;
    }
    pairs.push(
      ride(fixture)
        .catch(() => void (errors += 1))
        .finally(() => idle.push(fixture)),
    );
  }
  await Promise.all(pairs);
  const elapsedS = (performance.now() - began) / 1_000;
  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statuses).reduce(
    (sum, [status, count]) => sum + (Number(status) >= 300 ? count : 0),
    0,
  );
  return {
    name: `the same pairs sent at a steady ${STEADY_RATE} requests/s`,
    requestsPerSecond: latencies.length / elapsedS,
    p50: Math.round(percentile(latencies, 0.5)),
    p99: Math.round(percentile(latencies, 0.99)),
    non2xx,
    errors,
    statuses,
  };
}

function table(rows: Row[]): string {
  const lines = [
    '| endpoint | requests/s | p50 ms | p99 ms | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${Math.round(row.requestsPerSecond)} | ${row.p50} | ${row.p99} | ${row.non2xx} | ${row.errors} |`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const settings = infraSettings(process.env);
  const infrastructure = await ensureInfrastructure(settings, log);
  process.env.RABBITMQ_URL = settings.rabbitmqUrl;
  process.env.DATABASE_URL = settings.adminDatabaseUrl;
  buildServices();
  const environment = await createStackEnvironment('bench');
  const env = {
    ...environment.env,
    RATE_LIMIT_KEY_PER_MINUTE: '100000000',
    RATE_LIMIT_KEY_BURST: '1000000',
  };
  log(`starting a stack of its own (logs in ${environment.logDir})`);
  const stack = await Stack.start({ env, logDir: environment.logDir });
  const rows: Row[] = [];
  let failure: unknown = null;
  try {
    const operator = await created<{ id: string; key: string }>(
      stack.gatewayUrl,
      '/v1/api-keys',
      environment.adminKey,
      { name: 'bench operator', role: 'operator' },
    );
    log(`${CONNECTIONS} connections, ${DURATION_S} s per endpoint`);
    try {
      // The steady run goes first: after the saturating one, billing and the outbox still have a backlog to work off.
      const pacing = await rideFixtures(stack.gatewayUrl, environment.adminKey, CONNECTIONS);
      log(`warming up: ${WARM_UP_S} s of steady pairs, not measured`);
      await steadyPairs(stack.gatewayUrl, pacing, operator.key, WARM_UP_S);
      const steady = await steadyPairs(stack.gatewayUrl, pacing, operator.key, DURATION_S);
      const fixtures = await rideFixtures(stack.gatewayUrl, environment.adminKey, CONNECTIONS);
      rows.push(
        rowOf(
          `POST /v1/rides + POST /v1/rides/{id}/end (${CONNECTIONS} connections)`,
          await ridePairs(stack.gatewayUrl, fixtures, operator.key),
        ),
      );
      rows.push(steady);
    } catch (error) {
      log(`ride pairs not measured: ${(error as Error).message}`);
    }
    const admin = { authorization: `Bearer ${environment.adminKey}` };
    rows.push(
      rowOf(
        'GET /v1/api-keys?limit=1 (key check and a page query)',
        await measure({
          url: `${stack.gatewayUrl}/v1/api-keys?limit=1`,
          headers: admin,
          connections: CONNECTIONS,
          duration: DURATION_S,
        }),
      ),
    );
    rows.push(
      rowOf(
        'GET /healthz',
        await measure({ url: `${stack.gatewayUrl}/healthz`, connections: CONNECTIONS, duration: DURATION_S }),
      ),
    );
  } catch (error) {
    failure = error;
  } finally {
    await stack.stop();
    await environment.cleanup();
    await infrastructure.stop();
  }
  if (failure) throw failure;
  console.log(`\n${table(rows)}\n`);
  // One run per row: value, min and max are the same figure.
  const single = (name: string, unit: string, value: number) => ({ name, unit, value, min: value, max: value });
  recordBenchResult(
    'api',
    rows.flatMap((row) => [
      single(`${row.name}: requests/s`, 'req/s', row.requestsPerSecond),
      single(`${row.name}: p50`, 'ms', row.p50),
      single(`${row.name}: p99`, 'ms', row.p99),
    ]),
  );
  for (const row of rows) {
    if (row.non2xx > 0) log(`${row.name}: answers by status ${JSON.stringify(row.statuses)}`);
  }
  const rides = rows.find((row) => row.name.startsWith('POST /v1/rides'));
  if (rides)
    log(
      `command p99 at ${CONNECTIONS} connections ${rides.p99} ms (target <= ${TARGET_P99_MS} ms): ${rides.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}`,
    );
}

main().catch((error: unknown) => {
  console.error(`bench: failed: ${(error as Error).message}`);
  process.exit(1);
});
