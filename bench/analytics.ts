import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import {
  buildFile,
  buildServices,
  ensureInfrastructure,
  infraSettings,
  NODE_ARGS,
  recordBenchResult,
  type BenchFigure,
} from '@chargeflow/infra';
import { createIsolatedDatabase } from '@chargeflow/testing';

/**
 * `npm run bench:analytics [-- --sessions 50000 --batch 1000 --runs 50] [--only export]`: loads finalized sessions
 * with their billing into the analytics projection through the consumer's own statements (many
 * sessions per transaction) beside a plain multi-row INSERT of the same rows, times summary,
 * timeseries and explain through their handlers, and streams the whole CSV export through the
 * gateway's formatter in a process of its own, on a database of its own. Not a test: it prints a table.
 *
 * The analytics and gateway code run in workers of their own projects (apps/analytics/test/bench,
 * apps/api-gateway/test/bench): a bench may not import an app, and the export's pages cross
 * processes here as they cross the broker in the stack. The gateway's worker runs as the gateway
 * does: compiled to dist/ by buildServices() and started with the gateway's Node options, without the
 * TypeScript loader (about 75 MB of RSS of its own), so its RSS is the gateway code's.
 *
 * `--only export` loads the same sessions into the facts the export reads (session_fact and
 * billing_fact, through the consumer's statements) without the baseline, the rollups and the query
 * timings, and runs only the export.
 */
const TARGET_P99_MS = 50;
const TARGET_EXPORT_RSS_MB = 150;

interface QueryFigures {
  name: string;
  runs: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  sqlMs: number;
  jsMs: number;
  explain: string | null;
}

interface Loaded {
  sessions: number;
  batch: number;
  baselineS: number;
  projectionS: number;
  factsS: number;
  contributionJsS: number;
  rollupS: number;
  rollupRowsWritten: number;
  analyzeS: number;
  rollups: number;
  queries: QueryFigures[];
}

interface Exported {
  rows: number;
  bytes: number;
  seconds: number;
  rssBeforeMb: number;
  peakRssMb: number;
  maxRssMb: number;
  byQuarter: (
    { rssMb: number; heapMb: number; heapTotalMb: number; externalMb: number; arrayBuffersMb: number } | undefined
  )[];
}

/** `--name value` arguments over BENCH_NAME variables over the defaults. */
function settingsOf(argv: string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[index]);
    if (!match) throw new Error(`unexpected argument ${argv[index]}`);
    const value = match[2] ?? argv[(index += 1)];
    if (match[1] === 'only') {
      if (value !== 'export') throw new Error('--only takes export');
      settings.BENCH_ONLY = value;
      continue;
    }
    if (value === undefined || !/^\d+$/.test(value)) throw new Error(`--${match[1]} takes a whole number`);
    settings[`BENCH_${match[1].replaceAll('-', '_').toUpperCase()}`] = value;
  }
  return settings;
}

const log = (line: string) => console.log(`bench:analytics: ${line}`);

function worker(path: string, env: NodeJS.ProcessEnv): ChildProcess {
  return fork(resolve(__dirname, '..', path), [], { execArgv: ['-r', '@swc-node/register'], env });
}

/** The next message of `type` from a worker; an error message or an exit before it rejects. */
function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (message: { type: string; line?: string; error?: string }) => {
      if (message.type === 'log') return log(message.line ?? '');
      if (message.type === 'error') return done(() => reject(new Error(message.error)));
      if (message.type === type) done(() => resolvePromise(message as T));
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`a worker exited (${code}) before ${type}`)));
    const done = (settle: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<void> {
  const settings = settingsOf(process.argv.slice(2));
  const onlyExport = settings.BENCH_ONLY === 'export';
  const built = buildServices();
  const exportWorker = buildFile(resolve(__dirname, '..', 'apps/api-gateway/test/bench/export-csv.worker.ts'));
  log(`build: ${built.files} files to dist/ in ${built.ms} ms, and the export worker beside them`);
  await ensureInfrastructure(infraSettings(process.env), log);
  const database = await createIsolatedDatabase('bench_analytics');
  const env = { ...process.env, ...settings, BENCH_DATABASE_URL: database.url };
  const analytics = worker('apps/analytics/test/bench/analytics-bench.worker.ts', env);
  try {
    const loaded = await next<Loaded>(analytics, 'loaded');
    await next(analytics, 'serving');

    log('export: the whole range as CSV through the gateway stream, 1,000 rows a page, into a discarding sink');
    const exporter = fork(exportWorker, [], { execArgv: [...(NODE_ARGS['api-gateway'] ?? [])], env });
    exporter.on('message', (message: { type: string }) => {
      if (message.type === 'page') analytics.send(message);
    });
    analytics.on('message', (message: { type: string }) => {
      if (message.type === 'page') exporter.send(message);
    });
    const exported = await next<Exported>(exporter, 'exported');
    analytics.send({ type: 'stop' });
    const served = await next<{ pages: number; pageMs: number }>(analytics, 'stopped');

    const rate = (seconds: number) => Math.round(loaded.sessions / seconds).toLocaleString('en');
    const mb = (value: number) => Math.round(value);
    if (onlyExport) console.log(`\n${loaded.sessions.toLocaleString('en')} sessions, export only`);
    else printLoadAndQueries(loaded, rate);
    console.log(
      `\n| export (target peak RSS < ${TARGET_EXPORT_RSS_MB} MB) | value |\n|---|---:|\n` +
        `| rows, bytes of CSV | ${exported.rows.toLocaleString('en')}, ${Math.round(exported.bytes / 1_048_576)} MB |\n` +
        `| duration, pages (analytics time per page, mean) | ${fixed(exported.seconds)} s, ${served.pages} (${fixed(served.pageMs / Math.max(1, served.pages))} ms) |\n` +
        `| RSS at start / peak sampled / peak (kernel maxrss) | ${mb(exported.rssBeforeMb)} / ${mb(exported.peakRssMb)} / ${mb(exported.maxRssMb)} MB |\n` +
        `| RSS (V8 heap used) after 25 / 50 / 75 / 100 % of the pages | ${exported.byQuarter.map((at) => (at ? `${mb(at.rssMb)} (${mb(at.heapMb)})` : '-')).join(' / ')} MB |\n` +
        `| V8 heap committed / external / of which ArrayBuffers, by quarter | ${exported.byQuarter.map((at) => (at ? `${mb(at.heapTotalMb)} / ${mb(at.externalMb)} / ${mb(at.arrayBuffersMb)}` : '-')).join(' ; ')} MB |\n` +
        `| target | ${exported.maxRssMb < TARGET_EXPORT_RSS_MB ? 'met' : 'MISSED'} |`,
    );
    if (!onlyExport) recordBenchResult('analytics', figuresOf(loaded, exported));
    for (const query of loaded.queries.filter((entry) => entry.explain))
      console.log(`\nEXPLAIN ANALYZE of the slowest statement of "${query.name}":\n${query.explain}`);
  } finally {
    if (analytics.exitCode === null) analytics.kill();
    await database.drop();
  }
}

/** The figures `npm run bench` puts in the README's table. */
function figuresOf(loaded: Loaded, exported: Exported): BenchFigure[] {
  const single = (name: string, unit: string, value: number, target?: string): BenchFigure => ({
    name,
    unit,
    value,
    min: value,
    max: value,
    target,
  });
  return [
    single(
      `load of ${loaded.sessions.toLocaleString('en')} sessions through the projection`,
      'sessions/s',
      loaded.sessions / loaded.projectionS,
    ),
    single(
      'load, plain multi-row INSERT of the same rows (baseline)',
      'sessions/s',
      loaded.sessions / loaded.baselineS,
    ),
    ...loaded.queries.map((query) => ({
      name: `${query.name}, p99 of ${query.runs} runs (p50 ${fixed(query.p50)})`,
      unit: 'ms',
      value: query.p99,
      min: query.min,
      max: query.max,
      target: `<= ${TARGET_P99_MS}`,
    })),
    single('CSV export of every session, peak RSS', 'MB', exported.maxRssMb, `<= ${TARGET_EXPORT_RSS_MB}`),
  ];
}

function printLoadAndQueries(loaded: Loaded, rate: (seconds: number) => string): void {
  console.log(
    `\n${loaded.sessions.toLocaleString('en')} sessions, ${loaded.batch} per batch; ` +
      `${loaded.rollups.toLocaleString('en')} rollup rows\n`,
  );
  console.log('| load | seconds | sessions/s |\n|---|---:|---:|');
  console.log(
    `| plain multi-row INSERT of the session and billing rows (baseline) | ${fixed(loaded.baselineS)} | ${rate(loaded.baselineS)} |`,
  );
  console.log(
    `| through the projection (the consumer's statements, facts and rollups) | ${fixed(loaded.projectionS)} | ${rate(loaded.projectionS)} |`,
  );
  console.log(`| - of which fact upserts (billing_fact, session_fact) | ${fixed(loaded.factsS)} | |`);
  console.log(`| - of which contributionOf + merged (JS, Decimal) | ${fixed(loaded.contributionJsS)} | |`);
  console.log(
    `| - of which rollup upserts (${loaded.rollupRowsWritten.toLocaleString('en')} rows sent) | ${fixed(loaded.rollupS)} | |`,
  );
  console.log(`| ratio projection / baseline | | ${fixed(loaded.baselineS / loaded.projectionS, 2)} |`);
  console.log(`| VACUUM ANALYZE after the load (not counted above) | ${fixed(loaded.analyzeS)} | |`);
  console.log(
    `\n| query (target p99 <= ${TARGET_P99_MS} ms) | runs | p50 ms | p99 ms | min ms | max ms | SQL ms / rest ms (mean) | target |\n|---|---:|---:|---:|---:|---:|---:|---|`,
  );
  for (const query of loaded.queries)
    console.log(
      `| ${query.name} | ${query.runs} | ${fixed(query.p50)} | ${fixed(query.p99)} | ${fixed(query.min)} | ${fixed(query.max)} | ` +
        `${fixed(query.sqlMs)} / ${fixed(query.jsMs)} | ${query.p99 <= TARGET_P99_MS ? 'met' : 'MISSED'} |`,
    );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:analytics failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
