import { DataSource, type EntityManager, type Logger } from 'typeorm';
import type {
  AnalyticsExplainRequest,
  AnalyticsSessionsRequest,
  AnalyticsSummaryRequest,
  AnalyticsTimeseriesRequest,
} from '@chargeflow/contracts';
import { analyticsMigrations } from '../../src/migrations';
import { contributionOf, merged, type BillingFact } from '../../src/projection/domain/contribution';
import {
  addToRollups,
  insertSessions,
  LIVE_SCHEMA,
  recordApplied,
  rollupTablesOf,
  SWAP_LOCK,
  targetsOf,
  upsertBillings,
  type BillingFactRow,
  type SessionFactRow,
} from '../../src/projection/infrastructure/projection.store';
import { projectionTables } from '../../src/projection/infrastructure/projection-tables';
import { ExplainHandler } from '../../src/query/explain/explain.handler';
import { SessionsPageHandler } from '../../src/query/export-sessions/sessions-page.handler';
import { ProjectionReader } from '../../src/query/infrastructure/projection-reader';
import { RollupFiguresQuery } from '../../src/query/infrastructure/rollup-figures.query';
import { SessionFactsQuery } from '../../src/query/infrastructure/session-facts.query';
import { SummarizeHandler } from '../../src/query/summarize/summarize.handler';
import { TimeseriesHandler } from '../../src/query/timeseries/timeseries.handler';

/**
 * The analytics side of `npm run bench:analytics` (bench/analytics.ts forks it with BENCH_* settings):
 * loads generated sessions through the projection's own statements and a plain INSERT baseline, times
 * the query handlers in process, then serves export pages over IPC until told to stop.
 */
const SETTINGS = {
  url: required('BENCH_DATABASE_URL'),
  sessions: Number(process.env.BENCH_SESSIONS ?? 1_000_000),
  batch: Number(process.env.BENCH_BATCH ?? 1_000),
  vehicles: Number(process.env.BENCH_VEHICLES ?? 5_000),
  stations: Number(process.env.BENCH_STATIONS ?? 500),
  riders: Number(process.env.BENCH_RIDERS ?? 2_000),
  runs: Number(process.env.BENCH_RUNS ?? 50),
  warmUp: Number(process.env.BENCH_WARM_UP ?? 5),
  seed: Number(process.env.BENCH_SEED ?? 20_261_201),
  /** `export`: only the facts the export reads are loaded (no baseline, no rollups), and no query is timed. */
  onlyExport: process.env.BENCH_ONLY === 'export',
};

/** Two years of ended sessions, and the ranges the queries ask (Europe/Berlin local midnights). */
const RANGE_START = Date.parse('2024-12-01T00:00:00Z');
const RANGE_END = Date.parse('2026-12-01T00:00:00Z');
const BERLIN_MARCH = { from: '2026-02-28T23:00:00.000Z', to: '2026-03-31T22:00:00.000Z' };
const BERLIN_TWO_YEARS = { from: '2024-11-30T23:00:00.000Z', to: '2026-11-30T23:00:00.000Z' };
const WHOLE_RANGE = { from: new Date(RANGE_START).toISOString(), to: new Date(RANGE_END).toISOString() };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** mulberry32: a small seeded PRNG, so every run (and the baseline) sees the same rows. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function uuidOf(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)];
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

/** An exact decimal string of `units` / 10^places. */
function decimalOf(units: number, places: number): string {
  const text = String(units).padStart(places + 1, '0');
  return places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
}

interface Generated {
  session: SessionFactRow;
  billing: BillingFactRow;
}

/** The sessions in batches, ended in time order over the two years (as events would arrive). */
function* batchesOf(size: number): Generator<Generated[]> {
  const random = prng(SETTINGS.seed);
  const pool = (count: number) => Array.from({ length: count }, () => uuidOf(random));
  const [vehicles, stations, riders] = [pool(SETTINGS.vehicles), pool(SETTINGS.stations), pool(SETTINGS.riders)];
  const step = (RANGE_END - RANGE_START) / SETTINGS.sessions;
  let batch: Generated[] = [];
  for (let index = 0; index < SETTINGS.sessions; index += 1) {
    const endedAt = new Date(Math.floor(RANGE_START + (index + random()) * step));
    const ride = random() < 0.7;
    const durationS = ride ? 60 + Math.floor(random() * 3_600) : 600 + Math.floor(random() * 14_400);
    const sessionId = uuidOf(random);
    const session: SessionFactRow = {
      sessionId,
      kind: ride ? 'RIDE' : 'CHARGING',
      vehicleId: vehicles[Math.floor(random() * vehicles.length)],
      riderId: ride ? riders[Math.floor(random() * riders.length)] : null,
      stationId: ride ? null : stations[Math.floor(random() * stations.length)],
      startedAt: new Date(endedAt.getTime() - durationS * 1_000),
      endedAt,
      durationS,
      energyWh: decimalOf(Math.floor(random() * (ride ? 2_000_000 : 60_000_000)), 3),
      distanceM: ride ? decimalOf(Math.floor(random() * 3_000_000), 2) : '0',
    };
    const cents = 50 + Math.floor(random() * 5_000);
    const vat = Math.round(cents * 0.19);
    const billing: BillingFactRow =
      random() < 0.9
        ? {
            sessionId,
            revision: 1,
            status: 'PRICED',
            currency: 'EUR',
            totalExclVat: decimalOf(cents, 2),
            totalVat: decimalOf(vat, 2),
            totalInclVat: decimalOf(cents + vat, 2),
          }
        : {
            sessionId,
            revision: 1,
            status: 'UNPRICED',
            currency: null,
            totalExclVat: null,
            totalVat: null,
            totalInclVat: null,
          };
    batch.push({ session, billing });
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Where a load's time goes: fact statements, contributionOf + merged (JS), rollup upserts. */
interface LoadTiming {
  factsMs: number;
  jsMs: number;
  rollupMs: number;
  rollupRows: number;
}

/**
 * One batch as the consumer applies a billing and then its session, many per transaction: the swap
 * lock taken shared, the rebuild schema checked, the same upserts of billing_fact and session_fact,
 * and the rollups of the sessions inserted from the same contributionOf, merged into one statement.
 */
async function applyBatch(manager: EntityManager, batch: Generated[], timing: LoadTiming): Promise<void> {
  if (SETTINGS.onlyExport) return applyFacts(manager, batch, timing);
  let started = performance.now();
  await manager.query(`SELECT pg_advisory_xact_lock_shared($1)`, [SWAP_LOCK]);
  const targets = await targetsOf(manager);
  const sessions = batch.map((row) => row.session);
  const billings = batch.map((row) => row.billing);
  for (const { schema } of targets.filter((target) => target.schema !== LIVE_SCHEMA)) {
    await upsertBillings(manager, schema, billings);
    await insertSessions(manager, schema, sessions);
  }
  await upsertBillings(manager, LIVE_SCHEMA, billings);
  const inserted = new Set(await insertSessions(manager, LIVE_SCHEMA, sessions));
  timing.factsMs += performance.now() - started;
  started = performance.now();
  const billingOf = new Map<string, BillingFact>(billings.map((billing) => [billing.sessionId, billing]));
  const contribution = merged(
    sessions
      .filter((session) => inserted.has(session.sessionId))
      .map((session) => contributionOf(session, billingOf.get(session.sessionId) ?? null)),
  );
  timing.jsMs += performance.now() - started;
  started = performance.now();
  await addToRollups(manager, rollupTablesOf(LIVE_SCHEMA), contribution);
  timing.rollupMs += performance.now() - started;
  timing.rollupRows += contribution.rollups.length + contribution.revenue.length;
  await recordApplied(manager, batch[batch.length - 1].session.endedAt.toISOString());
}

/** The facts of a batch only, through the same statements: what the export's pages read. */
async function applyFacts(manager: EntityManager, batch: Generated[], timing: LoadTiming): Promise<void> {
  const started = performance.now();
  await upsertBillings(
    manager,
    LIVE_SCHEMA,
    batch.map((row) => row.billing),
  );
  await insertSessions(
    manager,
    LIVE_SCHEMA,
    batch.map((row) => row.session),
  );
  timing.factsMs += performance.now() - started;
  await recordApplied(manager, batch[batch.length - 1].session.endedAt.toISOString());
}

const SESSION_COLUMNS = `session_id, kind, vehicle_id, rider_id, station_id, started_at, ended_at, duration_s, energy_wh, distance_m`;
const BILLING_COLUMNS = `session_id, revision, status, currency, total_excl_vat, total_vat, total_incl_vat`;

function valuesOf(rows: unknown[][]): { text: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const text = rows.map((row) => `(${row.map((value) => `$${parameters.push(value)}`).join(', ')})`).join(', ');
  return { text, parameters };
}

/** The baseline: the same rows into tables of the same definition, a plain multi-row INSERT per table per batch. */
async function insertPlain(manager: EntityManager, schema: string, batch: Generated[]): Promise<void> {
  const sessions = valuesOf(
    batch.map(({ session: s }) => [
      s.sessionId,
      s.kind,
      s.vehicleId,
      s.riderId,
      s.stationId,
      s.startedAt.toISOString(),
      s.endedAt.toISOString(),
      s.durationS,
      s.energyWh,
      s.distanceM,
    ]),
  );
  await manager.query(
    `INSERT INTO ${schema}.session_fact (${SESSION_COLUMNS}) VALUES ${sessions.text}`,
    sessions.parameters,
  );
  const billings = valuesOf(
    batch.map(({ billing: b }) => [
      b.sessionId,
      b.revision,
      b.status,
      b.currency,
      b.totalExclVat,
      b.totalVat,
      b.totalInclVat,
    ]),
  );
  await manager.query(
    `INSERT INTO ${schema}.billing_fact (${BILLING_COLUMNS}) VALUES ${billings.text}`,
    billings.parameters,
  );
}

/** Statement times as TypeORM reports them (whole milliseconds), kept while a query is measured. */
class StatementClock implements Logger {
  recording = false;
  sqlMs = 0;
  slowest: { ms: number; query: string; parameters: unknown[] } | null = null;

  logQuerySlow(time: number, query: string, parameters?: unknown[]): void {
    if (!this.recording) return;
    this.sqlMs += time;
    // A slow COMMIT (a busy machine) has no plan to explain: only statements that read are kept.
    const reads = /^\s*(SELECT|WITH)\b/i.test(query);
    if (reads && (!this.slowest || time > this.slowest.ms))
      this.slowest = { ms: time, query, parameters: parameters ?? [] };
  }
  logQuery(): void {}
  logQueryError(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface QueryFigures {
  name: string;
  runs: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  /** Mean per run: statement time reported by the driver, and the rest (JS in the handler, driver parsing). */
  sqlMs: number;
  jsMs: number;
  explain: string | null;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(
  dataSource: DataSource,
  clock: StatementClock,
  name: string,
  run: () => Promise<unknown>,
): Promise<QueryFigures> {
  for (let index = 0; index < SETTINGS.warmUp; index += 1) await run();
  const times: number[] = [];
  clock.sqlMs = 0;
  clock.slowest = null;
  clock.recording = true;
  for (let index = 0; index < SETTINGS.runs; index += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  clock.recording = false;
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((sum, time) => sum + time, 0) / times.length;
  const p99 = percentile(sorted, 99);
  let explain: string | null = null;
  if ((p99 > 50 || process.env.BENCH_EXPLAIN === 'all') && clock.slowest) {
    const { query, parameters } = clock.slowest;
    explain = await dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL work_mem = '32MB'`);
      const plan = (await manager.query(`EXPLAIN (ANALYZE, BUFFERS) ${query}`, parameters)) as {
        'QUERY PLAN': string;
      }[];
      return plan.map((line) => line['QUERY PLAN']).join('\n');
    });
  }
  return {
    name,
    runs: times.length,
    p50: percentile(sorted, 50),
    p99,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    sqlMs: clock.sqlMs / times.length,
    jsMs: mean - clock.sqlMs / times.length,
    explain,
  };
}

/** The baseline: the same rows with plain multi-row INSERTs into a schema of their own, then dropped. */
async function loadBaseline(dataSource: DataSource): Promise<number> {
  process.send?.({
    type: 'log',
    line: `baseline: ${SETTINGS.sessions} sessions and billings, plain multi-row INSERTs of ${SETTINGS.batch} rows`,
  });
  for (const statement of projectionTables('baseline')) await dataSource.query(statement);
  const seconds = await timed(async () => {
    for (const batch of batchesOf(SETTINGS.batch))
      await dataSource.transaction((manager) => insertPlain(manager, 'baseline', batch));
  });
  await dataSource.query(`DROP SCHEMA baseline CASCADE`);
  return seconds;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1_000;
}

async function main(): Promise<void> {
  const send = (message: object) => process.send?.(message);
  const log = (line: string) => send({ type: 'log', line });
  const clock = new StatementClock();
  const connect = (migrate: boolean) =>
    new DataSource({
      type: 'postgres',
      url: SETTINGS.url,
      migrations: analyticsMigrations,
      migrationsRun: migrate,
      logger: clock,
      maxQueryExecutionTime: 0.5,
    }).initialize();
  let dataSource = await connect(true);

  const baselineS = SETTINGS.onlyExport ? 0 : await loadBaseline(dataSource);

  log(`projection: the same rows through the consumer's statements, ${SETTINGS.batch} sessions per transaction`);
  const timing: LoadTiming = { factsMs: 0, jsMs: 0, rollupMs: 0, rollupRows: 0 };
  let loaded = 0;
  const projectionS = await timed(async () => {
    for (const batch of batchesOf(SETTINGS.batch)) {
      await dataSource.transaction((manager) => applyBatch(manager, batch, timing));
      loaded += batch.length;
      if (loaded % 100_000 === 0) log(`  ${loaded} sessions loaded`);
    }
  });
  const [{ rollups }] = (await dataSource.query(`SELECT count(*)::int AS rollups FROM projection.rollup`)) as {
    rollups: number;
  }[];
  log(`vacuum analyze (${rollups} rollup rows), checkpoint`);
  const analyzeS = await timed(async () => {
    await dataSource.query(`VACUUM (ANALYZE) projection.session_fact, projection.billing_fact`);
    await dataSource.query(`VACUUM (ANALYZE) projection.rollup, projection.revenue_rollup`);
    await dataSource.query(`VACUUM (ANALYZE) projection.rollup_months, projection.revenue_rollup_months`);
    // The load leaves gigabytes of dirty pages: written out now, not by the checkpointer while queries are timed.
    await dataSource.query(`CHECKPOINT`);
  });
  await dataSource.query(`UPDATE projection_state SET built_at = now(), rebuild_state = 'IDLE'`);
  // Queries on connections of their own, as the service's: not the backends that just wrote a million sessions.
  await dataSource.destroy();
  dataSource = await connect(false);

  const reader = new ProjectionReader(dataSource);
  const figures = new RollupFiguresQuery();
  const facts = new SessionFactsQuery();
  const summarize = new SummarizeHandler(reader, figures);
  const timeseries = new TimeseriesHandler(reader, figures);
  const explain = new ExplainHandler(reader, figures, facts);
  const sessionsPage = new SessionsPageHandler(reader, facts);

  const queries: QueryFigures[] = [];
  if (!SETTINGS.onlyExport) {
    log(`queries: ${SETTINGS.warmUp} warm-up runs, then ${SETTINGS.runs} measured runs each`);
    queries.push(
      await measure(dataSource, clock, 'summary, whole range', () =>
        summarize.execute({ ...WHOLE_RANGE } as AnalyticsSummaryRequest),
      ),
    );
    queries.push(
      await measure(dataSource, clock, 'timeseries, one month daily, Europe/Berlin', () =>
        timeseries.execute({
          ...BERLIN_MARCH,
          metric: 'energyChargedWh',
          window: 'DAY',
          tz: 'Europe/Berlin',
        } as AnalyticsTimeseriesRequest),
      ),
    );
    queries.push(
      await measure(dataSource, clock, 'timeseries, two years monthly by station, Europe/Berlin', () =>
        timeseries.execute({
          ...BERLIN_TWO_YEARS,
          metric: 'energyChargedWh',
          window: 'MONTH',
          tz: 'Europe/Berlin',
          groupBy: 'station',
        } as AnalyticsTimeseriesRequest),
      ),
    );
    queries.push(
      await measure(dataSource, clock, 'explain revenueInclVat EUR, whole range, first page', () =>
        explain.execute({ ...WHOLE_RANGE, metric: 'revenueInclVat', currency: 'EUR' } as AnalyticsExplainRequest),
      ),
    );
  }

  send({
    type: 'loaded',
    sessions: SETTINGS.sessions,
    batch: SETTINGS.batch,
    baselineS,
    projectionS,
    factsS: timing.factsMs / 1_000,
    contributionJsS: timing.jsMs / 1_000,
    rollupS: timing.rollupMs / 1_000,
    rollupRowsWritten: timing.rollupRows,
    analyzeS,
    rollups,
    queries,
  });

  // Export pages on request, as the analytics service answers the gateway's sessions RPC.
  let pages = 0;
  let pageMs = 0;
  process.on('message', (message: { type: string; cursor?: string | null; limit?: number }) => {
    if (message.type === 'stop') {
      send({ type: 'stopped', pages, pageMs });
      void dataSource.destroy().then(() => process.exit(0));
      return;
    }
    const started = performance.now();
    sessionsPage
      .execute({
        ...WHOLE_RANGE,
        limit: message.limit,
        cursor: message.cursor ?? undefined,
      } as AnalyticsSessionsRequest)
      .then((page) => {
        pages += 1;
        pageMs += performance.now() - started;
        send({ type: 'page', page });
      })
      .catch((error: unknown) => send({ type: 'error', error: String((error as Error).stack ?? error) }));
  });
  send({ type: 'serving' });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', error: String((error as Error).stack ?? error) });
  process.exit(1);
});
