import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Channel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { Client } from 'pg';
import { Exchanges, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { buildServices, ensureInfrastructure, infraSettings, recordBenchResult, Stack } from '@chargeflow/infra';
import { createStackEnvironment, startOwnPostgres, waitFor, type OwnPostgres } from '@chargeflow/testing';

/**
 * `npm run bench:telemetry`: end-to-end telemetry throughput against the broker-only ceiling measured
 * in the same run, with the same publisher, RUNS times side by side. The ceiling's consumer acks as
 * the pipeline does: batches of the same size, one multiple-ack per batch, the same prefetch, a quorum
 * queue and persistent messages of the same size. A benchmark, not a test: it prints figures.
 */
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCH = Number(process.env.TELEMETRY_BATCH_SIZE ?? 500);
const WINDOW = 2_000;
/** BENCH_PG_STATEMENTS=1: telemetry's database on a PostgreSQL of the bench's own with pg_stat_statements preloaded. */
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
/** The management API refreshes queue statistics every 5 s: counters are read once they caught up. */
const STATS_LAG_MS = 6_000;

interface QueueCounters {
  published: number;
  delivered: number;
  acked: number;
}

/** Every queue's message counters in the virtual host, from the management API. */
async function queueCounters(managementUrl: string, vhost: string): Promise<Map<string, QueueCounters>> {
  const base = new URL(managementUrl);
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  base.username = '';
  base.password = '';
  const response = await fetch(new URL(`/api/queues/${encodeURIComponent(vhost)}?columns=name,message_stats`, base), {
    headers: { authorization },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`management API: ${response.status}`);
  const queues = (await response.json()) as {
    name: string;
    message_stats?: { publish?: number; deliver_get?: number; ack?: number };
  }[];
  return new Map(
    queues.map((queue) => [
      queue.name,
      {
        published: queue.message_stats?.publish ?? 0,
        delivered: queue.message_stats?.deliver_get ?? 0,
        acked: queue.message_stats?.ack ?? 0,
      },
    ]),
  );
}

/** Each queue's messages per second between two readings of its counters, over `seconds`. */
function queueRates(
  before: Map<string, QueueCounters>,
  after: Map<string, QueueCounters>,
  seconds: number,
): Map<string, QueueCounters> {
  const rates = new Map<string, QueueCounters>();
  for (const [name, end] of after) {
    const start = before.get(name) ?? { published: 0, delivered: 0, acked: 0 };
    const rate = {
      published: (end.published - start.published) / seconds,
      delivered: (end.delivered - start.delivered) / seconds,
      acked: (end.acked - start.acked) / seconds,
    };
    if (rate.published + rate.delivered + rate.acked > 0) rates.set(name, rate);
  }
  return rates;
}

/** Consumes like the pipeline's BatchConsumer, minus the handler: batches of BATCH, one multiple-ack each. */
async function ceilingConsumer(channel: Channel, queue: string, onAcked: (count: number) => void): Promise<void> {
  await channel.prefetch(BATCH * 2);
  const buffer: ConsumeMessage[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    while (buffer.length > 0) {
      const batch = buffer.splice(0, BATCH);
      channel.ack(batch[batch.length - 1], true);
      onAcked(batch.length);
    }
  };
  await channel.consume(queue, (message) => {
    if (!message) return;
    buffer.push(message);
    if (buffer.length >= BATCH) flush();
    else if (!timer) timer = setTimeout(flush, 5);
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function publishAll(
  channel: ConfirmChannel,
  messages: { routingKey: string; body: Buffer }[],
  exchange: string,
): Promise<void> {
  for (let start = 0; start < messages.length; start += WINDOW) {
    for (const message of messages.slice(start, start + WINDOW)) {
      channel.publish(exchange, message.routingKey, message.body, {
        persistent: true,
        contentType: 'application/json',
      });
    }
    await channel.waitForConfirms();
  }
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function api(base: string, key: string, path: string, body: object): Promise<{ id: string; vehicleId?: string }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; vehicleId?: string };
}

async function main(): Promise<void> {
  const log = (line: string) => console.log(`bench:telemetry: ${line}`);
  await ensureInfrastructure(infraSettings(process.env), log);
  buildServices();
  const environment = await createStackEnvironment('bench');
  const managementUrl = infraSettings(process.env).rabbitmqManagementUrl;
  // Opening the rides is 400 requests with one key: above the default per-key rate limit.
  const env: NodeJS.ProcessEnv = {
    ...environment.env,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_KEY_PER_MINUTE: '100000000',
    RATE_LIMIT_KEY_BURST: '1000000',
  };
  let ownPostgres: OwnPostgres | null = null;
  if (PG_STATEMENTS) {
    // Durable as the shared server (fsync on); the shared server is never restarted to preload the extension.
    ownPostgres = await startOwnPostgres('bench', {
      fsync: 'on',
      max_connections: '100',
      shared_preload_libraries: 'pg_stat_statements',
    });
    const admin = new Client({ connectionString: ownPostgres.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE telemetry');
    await admin.end();
    env.TELEMETRY_DATABASE_URL = ownPostgres.urlOf('telemetry');
    log(`telemetry's database on a PostgreSQL of the bench's own with pg_stat_statements`);
  }
  const stack = await Stack.start({ env, logDir: environment.logDir });
  const connection = await connect(environment.vhost.url);
  const database = new Client({ connectionString: env.TELEMETRY_DATABASE_URL });
  await database.connect();
  try {
    if (PG_STATEMENTS) await database.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    log(`opening ${SESSIONS} rides`);
    const rider = await api(stack.gatewayUrl, environment.adminKey, '/v1/riders', { name: 'bench' });
    const rides: { id: string; vehicleId?: string }[] = [];
    for (let index = 0; index < SESSIONS; index += 1) {
      const vehicle = await api(stack.gatewayUrl, environment.adminKey, '/v1/vehicles', {
        label: `bench-${index}`,
        batteryCapacityWh: 1_000_000,
        energyWh: 1_000_000,
      });
      rides.push(
        await api(stack.gatewayUrl, environment.adminKey, '/v1/rides', { vehicleId: vehicle.id, riderId: rider.id }),
      );
    }
    const samplesOfRun = () => {
      const emittedAt = new Date().toISOString();
      return Array.from({ length: SAMPLES }, (_, index) => {
        const ride = rides[index % rides.length];
        const body = {
          telemetryId: randomUUID(),
          sessionId: ride.id,
          vehicleId: ride.vehicleId,
          emittedAt,
          energyWh: 0.125,
          distanceM: 1,
          seq: index,
        };
        return {
          routingKey: TELEMETRY_ROUTING.vehicleSample(String(ride.vehicleId)),
          body: Buffer.from(JSON.stringify(body)),
        };
      });
    };
    const channel = await connection.createConfirmChannel();
    const telemetryPid = stack.processes.telemetry.pid;
    log(`telemetry runs as pid ${telemetryPid}`);
    const idleRss = rssMb(telemetryPid);
    let peakRss = idleRss;
    const results: { ceiling: number; pipeline: number; seconds: number; queues: Map<string, QueueCounters> }[] = [];
    if (PG_STATEMENTS) await database.query('SELECT pg_stat_statements_reset()');
    for (let run = 1; run <= RUNS; run += 1) {
      const samples = samplesOfRun();
      log(
        `run ${run}/${RUNS}: broker-only ceiling, ${SAMPLES} persistent confirmed messages, batches of ${BATCH} acked as the pipeline acks`,
      );
      const ceilingQueue = `bench.ceiling.${randomUUID()}`;
      await channel.assertExchange('bench.ceiling', 'topic', { durable: false, autoDelete: true });
      await channel.assertQueue(ceilingQueue, {
        durable: true,
        arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 5 },
      });
      await channel.bindQueue(ceilingQueue, 'bench.ceiling', '#');
      const consumer = await connection.createChannel();
      let consumed = 0;
      await ceilingConsumer(consumer, ceilingQueue, (count) => (consumed += count));
      let started = Date.now();
      await publishAll(channel, samples, 'bench.ceiling');
      await waitFor(async () => (consumed >= SAMPLES ? true : undefined), 600_000, 'the broker-only run', 20);
      const ceilingSeconds = (Date.now() - started) / 1000;
      await consumer.close();
      await channel.deleteQueue(ceilingQueue);

      log(`run ${run}/${RUNS}: end to end, ${SAMPLES} samples over AMQP until every one is persisted and counted`);
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(telemetryPid))), 100);
      const countersBefore = await queueCounters(managementUrl, environment.vhost.name);
      started = Date.now();
      await publishAll(channel, samples, Exchanges.telemetry);
      await waitFor(
        async () => {
          const { rows } = await database.query('SELECT coalesce(sum(sample_count), 0)::int AS n FROM session_ledger');
          return rows[0].n >= SAMPLES * run ? true : undefined;
        },
        600_000,
        'every sample counted',
        100,
      );
      const pipelineSeconds = (Date.now() - started) / 1000;
      clearInterval(sampler);
      await new Promise((resolve) => setTimeout(resolve, STATS_LAG_MS));
      const countersAfter = await queueCounters(managementUrl, environment.vhost.name);
      results.push({
        ceiling: SAMPLES / ceilingSeconds,
        pipeline: SAMPLES / pipelineSeconds,
        seconds: pipelineSeconds,
        queues: queueRates(countersBefore, countersAfter, pipelineSeconds),
      });
      log(
        `run ${run}: ceiling ${Math.round(SAMPLES / ceilingSeconds)} msg/s, pipeline ${Math.round(SAMPLES / pipelineSeconds)} samples/s, ratio ${(ceilingSeconds / pipelineSeconds).toFixed(2)}`,
      );
    }

    const row = (label: string, values: number[], format: (value: number) => string) =>
      console.log(
        `| ${label} | ${format(median(values))} | ${format(Math.min(...values))} – ${format(Math.max(...values))} |`,
      );
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log('\n| measure | median | min – max |\n|---|---|---|');
    row(
      'broker-only ceiling (quorum queue, batches acked as the pipeline acks)',
      results.map((r) => r.ceiling),
      (v) => `${Math.round(v)} msg/s`,
    );
    row(
      'telemetry end to end (persisted and counted)',
      results.map((r) => r.pipeline),
      (v) => `${Math.round(v)} samples/s`,
    );
    row(
      'ratio (target >= 0.6)',
      results.map((r) => r.pipeline / r.ceiling),
      (v) => v.toFixed(2),
    );
    console.log(
      `| telemetry RSS before the runs / peak (target < 200 MB) | ${Math.round(idleRss)} MB / ${Math.round(peakRss)} MB | |`,
    );
    console.log(`| samples per run, sessions, runs, batch | ${SAMPLES}, ${SESSIONS}, ${RUNS}, ${BATCH} | |`);
    console.log(`| load average at the end (1, 5, 15 min) | ${load} | |`);
    const figure = (name: string, unit: string, values: number[], target?: string) => ({
      name,
      unit,
      value: median(values),
      min: Math.min(...values),
      max: Math.max(...values),
      target,
    });
    recordBenchResult('telemetry', [
      figure(
        `pipeline / fair ceiling, median of ${RUNS} runs of ${SAMPLES.toLocaleString('en')} samples`,
        '',
        results.map((r) => r.pipeline / r.ceiling),
        '>= 0.6',
      ),
      figure(
        'telemetry end to end (persisted and counted)',
        'samples/s',
        results.map((r) => r.pipeline),
      ),
      figure(
        'broker-only fair ceiling (batches acked as the pipeline acks)',
        'msg/s',
        results.map((r) => r.ceiling),
      ),
      figure('telemetry peak RSS', 'MB', [peakRss], '<= 200'),
    ]);

    console.log(
      '\nBroker, per queue during the end-to-end runs (management API counters over the measured time; median of runs):',
    );
    console.log('| queue | published/s | delivered/s | acked/s |\n|---|---|---|---|');
    const queueNames = [...new Set(results.flatMap((result) => [...result.queues.keys()]))].sort();
    for (const name of queueNames) {
      const of = (field: keyof QueueCounters) =>
        Math.round(median(results.map((result) => result.queues.get(name)?.[field] ?? 0)));
      console.log(`| ${name} | ${of('published')} | ${of('delivered')} | ${of('acked')} |`);
    }

    if (PG_STATEMENTS) {
      const measuredMs = results.reduce((sum, result) => sum + result.seconds, 0) * 1000;
      const { rows } = await database.query<{
        query: string;
        calls: string;
        total_ms: number;
        mean_ms: number;
        rows: string;
      }>(
        `SELECT query, calls, total_exec_time AS total_ms, mean_exec_time AS mean_ms, rows FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         ORDER BY total_exec_time DESC LIMIT 12`,
      );
      console.log(
        `\nPostgreSQL, telemetry's statements over all runs (pg_stat_statements; share of ${Math.round(measuredMs)} ms measured):`,
      );
      console.log('| statement | calls | total ms | share | mean ms | rows |\n|---|---|---|---|---|---|');
      for (const row of rows) {
        const statement = row.query.replace(/\s+/g, ' ').slice(0, 90).replace(/\|/g, '\\|');
        console.log(
          `| ${statement} | ${row.calls} | ${Math.round(row.total_ms)} | ${((100 * row.total_ms) / measuredMs).toFixed(1)} % | ${row.mean_ms.toFixed(2)} | ${row.rows} |`,
        );
      }
    }
  } finally {
    await database.end();
    await connection.close();
    await stack.stop();
    await environment.cleanup();
    await ownPostgres?.remove();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:telemetry failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
