import autocannon from 'autocannon';
import {
  buildServices,
  ensureInfrastructure,
  infraSettings,
  recordBenchResult,
  REPO_ROOT,
  sleep,
  Stack,
  StackServices,
  type BenchFigure,
} from '@chargeflow/infra';
import { createStackEnvironment, type StackEnvironment } from '@chargeflow/testing';
import { checkoutOf } from './checkout';
import { commandFloor } from './command-floor';
import { listeningPid, ProcessCpu } from './process-cpu';
import { RawHttpClient } from './raw-http';
import { flushesPerRequest, walFlushes, type WalFlushes } from './wal-flushes';
import { measureWakeUpTax, type WakeUpTax } from './wake-up-tax';

/**
 * `npm run bench:api [-- --against <git ref>] [--rounds n]`: the command path's cost. Ride start + end
 * pairs through the gateway at 50 connections (capacity), then the same pairs sent at a steady half
 * of that capacity (latency), with the CPU milliseconds each process spent per request (the services,
 * PostgreSQL and RabbitMQ, counting the derive work each pair sets off until the stack is quiet
 * again). With `--against`, the same on a build of that commit, alternating with today's code round
 * by round, on stacks of their own (databases, virtual hosts, ports) on the same servers, one running
 * at a time: each round starts its build's stack, warms it up and stops it after. Then the
 * floor: the database statements of a pair from one plain Node process with `pg`, no broker. Last,
 * GET /healthz (no I/O) and an authenticated read as reference points, and, with the stacks stopped,
 * what the machine charges a process for a message after idle. Not a test: it prints a table.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 30);
const TARGET_P99_MS = 50;
const TARGET_CAPACITY_RATIO = 2;
/** The steady phase's CPU table names this process (the requests' sender) so. */
const LOAD_GENERATOR = 'load generator';
/** Freshly started services run cold code: the first seconds are not measured. */
const WARM_UP_S = 10;
/** Wake-up tax measurements (back to back, after idle), after the references. */
const WAKE_UP_ROUNDS = 3;
/** After a capacity run, how long the stack may take to work off what the pairs set off (outbox, billing, analytics). */
const QUIET_TIMEOUT_MS = 120_000;

interface Row {
  name: string;
  /** Requests answered. */
  requests: number;
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
    requests: result.requests.total,
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
async function ridePairs(
  baseUrl: string,
  fixtures: Fixture[],
  key: string,
  seconds: number,
): Promise<autocannon.Result> {
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
    duration: seconds,
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
async function steadyPairs(
  baseUrl: string,
  fixtures: Fixture[],
  key: string,
  seconds: number,
  rate: number,
): Promise<Row> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const client = new RawHttpClient(baseUrl);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const timed = async (path: string, body: object): Promise<{ status: number; text: string }> => {
    const started = performance.now();
    const { status, body: text } = await client.post(path, headers, JSON.stringify(body));
    latencies.push(performance.now() - started);
    statuses[status] = (statuses[status] ?? 0) + 1;
    return { status, text };
  };
  const ride = async (fixture: Fixture): Promise<void> => {
    const start = await timed('/v1/rides', fixture);
    if (start.status === 201) await timed(`/v1/rides/${(JSON.parse(start.text) as { id: string }).id}/end`, {});
  };
  const idle = [...fixtures];
  const pairs: Promise<void>[] = [];
  const intervalMs = 2_000 / rate;
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
  client.close();
  const elapsedS = (performance.now() - began) / 1_000;
  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statuses).reduce(
    (sum, [status, count]) => sum + (Number(status) >= 300 ? count : 0),
    0,
  );
  return {
    name: `the same pairs sent at a steady ${Math.round(rate)} requests/s`,
    requests: latencies.length,
    requestsPerSecond: latencies.length / elapsedS,
    p50: Math.round(percentile(latencies, 0.5)),
    p99: Math.round(percentile(latencies, 0.99)),
    non2xx,
    errors,
    statuses,
  };
}

/** One build of ChargeFlow under test: today's code, or the `--against` commit. */
interface Target {
  label: string;
  root: string;
  environment: StackEnvironment;
  operatorKey: string;
}

/**
 * A target's stack while it runs. Only one runs at a time: an idle stack beside the one measured
 * still wakes on its timers and polls, on the two cores the measured one needs.
 */
interface Running {
  target: Target;
  stack: Stack;
  /**
   * Vehicles and riders for one run: a run cut off at its end leaves some rides Active, and a later
   * run on those vehicles would measure refusals.
   */
  fixtures(): Promise<Fixture[]>;
  cpu: ProcessCpu;
}

interface Round {
  capacity: Row;
  steady: Row;
  /** CPU milliseconds per request, by process (group). */
  cpuMs: Record<string, number>;
  /** The same at the steady rate, with the load generator's own (this process). */
  steadyCpuMs: Record<string, number>;
  /**
   * PostgreSQL's WAL flushes per request at the steady rate, with those of the work the pairs set off
   * (up to quiet), and their mean duration in ms; null where the server does not report them.
   */
  steadyWal: { perRequest: number; meanMs: number | null } | null;
}

function stackEnv(environment: StackEnvironment): Record<string, string> {
  return { ...environment.env, RATE_LIMIT_KEY_PER_MINUTE: '100000000', RATE_LIMIT_KEY_BURST: '1000000' };
}

/** Creates the target's databases and virtual host (its stack migrates them) and its operator key, then stops its stack. */
async function createTarget(label: string, root: string): Promise<Target> {
  const environment = await createStackEnvironment(`bench_${label.replace(/[^a-z0-9]/gi, '_')}`);
  log(`${label}: a stack of its own from ${root} (logs in ${environment.logDir})`);
  let stack: Stack;
  try {
    stack = await Stack.start({ env: stackEnv(environment), logDir: environment.logDir, root });
  } catch (error) {
    await environment.cleanup();
    throw error;
  }
  let operatorKey: string;
  try {
    const operator = await created<{ id: string; key: string }>(
      stack.gatewayUrl,
      '/v1/api-keys',
      environment.adminKey,
      {
        name: 'bench operator',
        role: 'operator',
      },
    );
    operatorKey = operator.key;
  } catch (error) {
    await stack.stop();
    await environment.cleanup();
    throw error;
  }
  await stack.stop();
  return { label, root, environment, operatorKey };
}

/** Starts the target's stack and runs it warm: freshly started services run cold code. */
async function bringUp(target: Target): Promise<Running> {
  const { environment, root } = target;
  const stack = await Stack.start({ env: stackEnv(environment), logDir: environment.logDir, root });
  try {
    const settings = infraSettings(process.env);
    const groups: Record<string, number> = Object.fromEntries(
      StackServices.map((service) => [service, stack.processes[service].pid ?? -1]),
    );
    const postgres = listeningPid(Number(new URL(settings.adminDatabaseUrl).port || 5432));
    const rabbitmq = listeningPid(Number(new URL(settings.rabbitmqUrl).port || 5672));
    if (postgres) groups.postgres = postgres;
    if (rabbitmq) groups.rabbitmq = rabbitmq;
    const running: Running = {
      target,
      stack,
      fixtures: () => rideFixtures(stack.gatewayUrl, environment.adminKey, CONNECTIONS),
      cpu: new ProcessCpu(groups),
    };
    log(`${target.label}: started, warming up, ${WARM_UP_S} s of pairs, not measured`);
    await ridePairs(stack.gatewayUrl, await running.fixtures(), target.operatorKey, WARM_UP_S);
    return running;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/**
 * PostgreSQL 15 backends send their WAL counts at most once a second, and an idle one within 10 s
 * (PGSTAT_IDLE_INTERVAL): read once they all have, so neither the work before nor the end of the
 * measured work lands on the wrong side.
 */
async function settledWalFlushes(databaseUrl: string): Promise<WalFlushes | null> {
  await sleep(11_000);
  return walFlushes(databaseUrl);
}

/**
 * Waits until the stack's services together use less than a tenth of a core for a second (bounded):
 * the work the pairs set off is done. The servers are shared, so their own activity is not the sign.
 */
async function quiet(running: Running): Promise<void> {
  const giveUpAt = Date.now() + QUIET_TIMEOUT_MS;
  while (Date.now() < giveUpAt) {
    const before = running.cpu.snapshot();
    await sleep(1_000);
    const usedByGroup = running.cpu.since(before);
    const used = StackServices.reduce((sum, service) => sum + (usedByGroup[service] ?? 0), 0);
    if (used < 100) return;
  }
  log(`${running.target.label}: still busy ${QUIET_TIMEOUT_MS / 1_000} s after the run`);
}

async function round(running: Running): Promise<Round> {
  const { stack, target } = running;
  const { operatorKey } = target;
  const fixtures = await running.fixtures();
  await quiet(running);
  const before = running.cpu.snapshot();
  const result = await ridePairs(stack.gatewayUrl, fixtures, operatorKey, DURATION_S);
  await quiet(running);
  const used = running.cpu.since(before);
  const requests = Math.max(1, result.requests.total);
  const cpuMs = Object.fromEntries(Object.entries(used).map(([group, ms]) => [group, ms / requests]));
  const capacity = rowOf(`ride pairs at ${CONNECTIONS} connections`, result);
  const steadyFixtures = await running.fixtures();
  await quiet(running);
  const databaseUrl = infraSettings(process.env).adminDatabaseUrl;
  const walBefore = await settledWalFlushes(databaseUrl);
  const steadyBefore = running.cpu.snapshot();
  const generatorBefore = process.cpuUsage();
  const steady = await steadyPairs(
    stack.gatewayUrl,
    steadyFixtures,
    operatorKey,
    DURATION_S,
    capacity.requestsPerSecond / 2,
  );
  const generator = process.cpuUsage(generatorBefore);
  const steadyRequests = Math.max(1, steady.requests);
  await quiet(running);
  const walAfter = await settledWalFlushes(databaseUrl);
  const steadyWal = walBefore && walAfter ? flushesPerRequest(walBefore, walAfter, steadyRequests) : null;
  const steadyCpuMs = Object.fromEntries([
    ...Object.entries(running.cpu.since(steadyBefore)).map(([group, ms]) => [group, ms / steadyRequests]),
    [LOAD_GENERATOR, (generator.user + generator.system) / 1_000 / steadyRequests],
  ]);
  log(
    `${target.label}: ${Math.round(capacity.requestsPerSecond)} requests/s (p99 ${capacity.p99} ms); ` +
      `steady ${Math.round(steady.requestsPerSecond)}/s p50 ${steady.p50} ms p99 ${steady.p99} ms, ` +
      `${steady.non2xx} non-2xx, ${steady.errors} errors; CPU ms/request ${Object.values(cpuMs)
        .reduce((sum, ms) => sum + ms, 0)
        .toFixed(2)}`,
  );
  return { capacity, steady, cpuMs, steadyCpuMs, steadyWal };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const spread = (values: number[], digits = 0) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
const figure = (name: string, unit: string, values: number[], target?: string): BenchFigure => ({
  name,
  unit,
  value: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
  ...(target ? { target } : {}),
});

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const against = argument('--against');
  const rounds = Number(argument('--rounds') ?? 3);
  const settings = infraSettings(process.env);
  const infrastructure = await ensureInfrastructure(settings, log);
  process.env.RABBITMQ_URL = settings.rabbitmqUrl;
  process.env.DATABASE_URL = settings.adminDatabaseUrl;
  buildServices();
  const builds = [{ label: 'today', root: REPO_ROOT }];
  if (against) {
    const { root, commit } = await checkoutOf(against, log);
    builds.push({ label: `${against} (${commit.slice(0, 12)})`, root });
  }
  const targets: Target[] = [];
  const results = new Map<string, Round[]>();
  const floors: number[] = [];
  const references: Row[] = [];
  let wakeUps: WakeUpTax[] = [];
  let failure: unknown = null;
  let running: Running | null = null;
  try {
    for (const build of builds) {
      targets.push(await createTarget(build.label, build.root));
      results.set(build.label, []);
    }
    for (let index = 0; index < rounds; index += 1) {
      const order = index % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        log(`round ${index + 1} of ${rounds}: ${target.label}`);
        running = await bringUp(target);
        results.get(target.label)?.push(await round(running));
        await running.stack.stop();
        running = null;
      }
      const floor = await commandFloor(targets[0].environment.env, CONNECTIONS, Math.min(DURATION_S, 15));
      log(`round ${index + 1}: the floor, ${Math.round(floor)} requests/s`);
      floors.push(floor);
    }
    const today = targets[0];
    running = await bringUp(today);
    await quiet(running);
    const { gatewayUrl } = running.stack;
    const admin = { authorization: `Bearer ${today.environment.adminKey}` };
    references.push(
      rowOf(
        'GET /v1/api-keys?limit=1 (key check and a page query)',
        await measure({
          url: `${gatewayUrl}/v1/api-keys?limit=1`,
          headers: admin,
          connections: CONNECTIONS,
          duration: 10,
        }),
      ),
      rowOf('GET /healthz', await measure({ url: `${gatewayUrl}/healthz`, connections: CONNECTIONS, duration: 10 })),
    );
    await running.stack.stop();
    running = null;
    wakeUps = await measureWakeUpTax(WAKE_UP_ROUNDS);
  } catch (error) {
    failure = error;
  } finally {
    await running?.stack.stop();
    for (const target of targets) await target.environment.cleanup();
    await infrastructure.stop();
  }
  if (failure) throw failure;
  report(targets, results, floors, references, wakeUps);
}

function report(
  targets: Target[],
  results: Map<string, Round[]>,
  floors: number[],
  references: Row[],
  wakeUps: WakeUpTax[],
): void {
  const groups = [...StackServices, 'postgres', 'rabbitmq'];
  const lines = [
    `| build | requests/s at ${CONNECTIONS} connections | steady rate | steady p50 ms | steady p99 ms | steady non-2xx + errors | CPU ms/request |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const cpu = [
    '| process | ' + targets.map((target) => target.label).join(' | ') + ' |',
    `|---|${targets.map(() => '---:|').join('')}`,
  ];
  for (const target of targets) {
    const runs = results.get(target.label) ?? [];
    const total = runs.map((run) => Object.values(run.cpuMs).reduce((sum, ms) => sum + ms, 0));
    lines.push(
      `| ${target.label} | ${spread(runs.map((run) => run.capacity.requestsPerSecond))} | ${spread(
        runs.map((run) => run.steady.requestsPerSecond),
      )} | ${spread(runs.map((run) => run.steady.p50))} | ${spread(runs.map((run) => run.steady.p99))} | ${runs
        .map((run) => run.steady.non2xx + run.steady.errors)
        .reduce((sum, count) => sum + count, 0)} | ${spread(total, 2)} |`,
    );
  }
  const steadyCpu = [...cpu];
  for (const group of [...groups, LOAD_GENERATOR])
    steadyCpu.push(
      `| ${group} | ${targets
        .map((target) => median((results.get(target.label) ?? []).map((run) => run.steadyCpuMs[group] ?? 0)).toFixed(2))
        .join(' | ')} |`,
    );
  for (const group of groups)
    cpu.push(
      `| ${group} | ${targets
        .map((target) => median((results.get(target.label) ?? []).map((run) => run.cpuMs[group] ?? 0)).toFixed(2))
        .join(' | ')} |`,
    );
  console.log(`\n${lines.join('\n')}\n\nCPU ms per request by process (median of the rounds):\n${cpu.join('\n')}\n`);
  console.log(
    `CPU ms per request by process at the steady rate (median of the rounds; the load generator is this process):\n${steadyCpu.join('\n')}\n`,
  );
  const wal = targets.map((target) => {
    const runs = (results.get(target.label) ?? []).flatMap((run) => (run.steadyWal ? [run.steadyWal] : []));
    const means = runs.flatMap((run) => (run.meanMs === null ? [] : [run.meanMs]));
    if (runs.length === 0) return `| ${target.label} | not reported by this server | |`;
    return `| ${target.label} | ${spread(
      runs.map((run) => run.perRequest),
      2,
    )} | ${means.length ? spread(means, 2) : 'not timed (track_wal_io_timing off)'} |`;
  });
  console.log(
    `PostgreSQL's WAL flushes, server-wide, over the steady phase and the work it set off (a durable commit waits for one, which several may share):\n${[
      '| build | flushes per request | mean flush ms |',
      '|---|---:|---:|',
      ...wal,
    ].join('\n')}\n`,
  );
  console.log(
    `The floor (the pair's database statements from one plain Node process with pg, ${CONNECTIONS} at once): ${spread(floors)} requests/s\n`,
  );
  console.log(
    `${[
      '| reference | requests/s | p50 ms | p99 ms | non-2xx |',
      '|---|---:|---:|---:|---:|',
      ...references.map(
        (row) => `| ${row.name} | ${Math.round(row.requestsPerSecond)} | ${row.p50} | ${row.p99} | ${row.non2xx} |`,
      ),
    ].join('\n')}\n`,
  );
  console.log(
    `The machine's wake-up tax, the stacks stopped (CPU µs an echo process spends per loopback message): back to back ${spread(
      wakeUps.map((tax) => tax.backToBackUs),
      1,
    )}, after 5 ms idle ${spread(
      wakeUps.map((tax) => tax.afterIdleUs),
      1,
    )}, ratio ${spread(
      wakeUps.map((tax) => tax.afterIdleUs / tax.backToBackUs),
      2,
    )}\n`,
  );

  const today = results.get(targets[0].label) ?? [];
  const figures: BenchFigure[] = [
    figure(
      'ride pairs at 50 connections: requests/s',
      'req/s',
      today.map((run) => run.capacity.requestsPerSecond),
    ),
    figure(
      'ride pairs at half capacity: p99',
      'ms',
      today.map((run) => run.steady.p99),
      `<= ${TARGET_P99_MS}`,
    ),
    figure(
      'ride pairs at half capacity: non-2xx and errors',
      '',
      today.map((run) => run.steady.non2xx + run.steady.errors),
      '<= 0',
    ),
    figure(
      'ride pairs: CPU ms per request, all processes',
      'ms',
      today.map((run) => Object.values(run.cpuMs).reduce((sum, ms) => sum + ms, 0)),
    ),
    figure('the floor: the same statements from plain pg', 'req/s', floors),
    figure(
      'the machine: CPU µs per message, back to back',
      'µs',
      wakeUps.map((tax) => tax.backToBackUs),
    ),
    figure(
      'the machine: CPU µs per message after 5 ms idle',
      'µs',
      wakeUps.map((tax) => tax.afterIdleUs),
    ),
  ];
  const against = targets[1] ? (results.get(targets[1].label) ?? []) : [];
  if (against.length > 0) {
    const ratios = today.map(
      (run, index) => run.capacity.requestsPerSecond / against[index].capacity.requestsPerSecond,
    );
    console.log(`capacity against ${targets[1].label}: ${spread(ratios, 2)} × (target >= ${TARGET_CAPACITY_RATIO})`);
    figures.push(
      figure(
        `ride pairs against ${targets[1].label}: requests/s`,
        'req/s',
        against.map((run) => run.capacity.requestsPerSecond),
      ),
      figure(`capacity, today ÷ ${targets[1].label}`, '×', ratios, `>= ${TARGET_CAPACITY_RATIO}`),
    );
  }
  recordBenchResult('api', figures);
  const p99 = median(today.map((run) => run.steady.p99));
  log(
    `steady p99 at half capacity ${p99} ms (target <= ${TARGET_P99_MS} ms): ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench: failed: ${(error as Error).message}`);
  process.exit(1);
});
