import autocannon from 'autocannon';
import { buildServices, ensureInfrastructure, infraSettings, Stack } from '@chargeflow/infra';
import { createStackEnvironment } from '@chargeflow/testing';

/**
 * `npm run bench:api`: ride start + end pairs through the gateway at 50 connections for 30 s, next
 * to GET /healthz (no I/O) and an authenticated read (key check, two queries), measured in the
 * same run on a stack of its own (own databases, virtual host and port). Not a test: it prints a table.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 30);
const TARGET_P99_MS = 50;

interface Row {
  name: string;
  result: autocannon.Result;
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

/** Each connection rides its own vehicle with its own rider: start, end, start, end, ... */
async function ridePairs(baseUrl: string, adminKey: string, key: string): Promise<autocannon.Result> {
  const fixtures: { vehicleId: string; riderId: string }[] = [];
  for (let index = 0; index < CONNECTIONS; index += 1) {
    const vehicle = await created<{ id: string }>(baseUrl, '/v1/vehicles', adminKey, { label: `bench-${index}`, batteryCapacityWh: 500, energyWh: 500 });
    const rider = await created<{ id: string }>(baseUrl, '/v1/riders', adminKey, { name: `Bench Rider ${index}` });
    fixtures.push({ vehicleId: vehicle.id, riderId: rider.id });
  }
  let assigned = 0;
  type Connection = { fixture?: { vehicleId: string; riderId: string }; rideId?: string };
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
          const connection = context as Connection;
          connection.fixture ??= fixtures[assigned++ % fixtures.length];
          return { ...request, body: JSON.stringify(connection.fixture) };
        },
        onResponse: (status, body, context) => {
          (context as Connection).rideId = status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
        },
      },
      {
        method: 'POST',
        headers,
        body: '{}',
        setupRequest: (request, context) => {
          const rideId = (context as Connection).rideId;
          return rideId ? { ...request, path: `/v1/rides/${rideId}/end` } : (null as unknown as autocannon.Request);
        },
      },
    ],
  });
}

function table(rows: Row[]): string {
  const lines = [
    '| endpoint | requests/s | p50 ms | p99 ms | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(({ name, result }) =>
      `| ${name} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} | ${result.errors} |`,
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
    const operator = await created<{ id: string; key: string }>(stack.gatewayUrl, '/v1/api-keys', environment.adminKey, { name: 'bench operator', role: 'operator' });
    log(`${CONNECTIONS} connections, ${DURATION_S} s per endpoint`);
    try {
      rows.push({ name: 'POST /v1/rides + POST /v1/rides/{id}/end', result: await ridePairs(stack.gatewayUrl, environment.adminKey, operator.key) });
    } catch (error) {
      log(`ride pairs not measured: ${(error as Error).message}`);
    }
    const admin = { authorization: `Bearer ${environment.adminKey}` };
    rows.push({ name: 'GET /v1/api-keys?limit=1 (key check and a page query)', result: await measure({ url: `${stack.gatewayUrl}/v1/api-keys?limit=1`, headers: admin, connections: CONNECTIONS, duration: DURATION_S }) });
    rows.push({ name: 'GET /healthz', result: await measure({ url: `${stack.gatewayUrl}/healthz`, connections: CONNECTIONS, duration: DURATION_S }) });
  } catch (error) {
    failure = error;
  } finally {
    await stack.stop();
    await environment.cleanup();
    await infrastructure.stop();
  }
  if (failure) throw failure;
  console.log(`\n${table(rows)}\n`);
  const rides = rows.find((row) => row.name.startsWith('POST /v1/rides'));
  if (rides) log(`command p99 ${rides.result.latency.p99} ms (target <= ${TARGET_P99_MS} ms): ${rides.result.latency.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}`);
}

main().catch((error: unknown) => {
  console.error(`bench: failed: ${(error as Error).message}`);
  process.exit(1);
});
