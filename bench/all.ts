import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCH_RESULTS_DIR,
  benchTable,
  readBenchResult,
  readmeRowsOf,
  REPO_ROOT,
  writeBenchTable,
  tableResults,
  type BenchResult,
} from '@chargeflow/infra';

/**
 * `npm run bench [-- --only telemetry,ocpp]`: the telemetry, API, analytics and OCPP benchmarks one
 * after the other, each on a fresh stack of its own, in the sizes their issues set. Each writes its
 * figures to `.data/bench/<name>.json`; this collects them into `.data/bench/results.json` and the
 * README's performance table, with the date, the core count and the load average. Run it on an idle
 * machine: a benchmark beside other work measures the other work.
 */
/** The command path as it was before its cost was cut (issue #14): bench:api measures today's against it. */
const API_BASELINE = '631ad0e';

const BENCHES: Record<string, string[]> = {
  telemetry: [],
  api: ['--against', API_BASELINE],
  analytics: ['--sessions', '1000000', '--runs', '200'],
  // The answer time's tail swings from run to run on a shared machine: the median of three.
  ocpp: ['--runs', '3'],
};

function selected(argv: string[]): string[] {
  const at = argv.indexOf('--only');
  if (at < 0) return Object.keys(BENCHES);
  const names = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((name) => !(name in BENCHES));
  if (names.length === 0 || unknown.length > 0)
    throw new Error(`--only takes a comma-separated list of ${Object.keys(BENCHES).join(', ')}`);
  return names;
}

function main(): number {
  const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts;
  const ran: BenchResult[] = [];
  let failed = 0;
  const chosen = selected(process.argv.slice(2));
  for (const name of chosen) {
    if (!(`bench:${name}` in scripts)) throw new Error(`package.json has no bench:${name}`);
    console.log(`bench: npm run bench:${name} ${BENCHES[name].join(' ')}`);
    const startedAt = new Date().toISOString();
    const run = spawnSync('npm', ['run', `bench:${name}`, '--', ...BENCHES[name]], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    const result = readBenchResult(name);
    if (run.status !== 0 || !result || result.measuredAt < startedAt) {
      console.error(`bench: bench:${name} failed (exit ${run.status}); its figures are not recorded`);
      failed += 1;
      continue;
    }
    ran.push(result);
  }
  const readme = join(REPO_ROOT, 'README.md');
  const readmeText = readFileSync(readme, 'utf8');
  const entries = tableResults(Object.keys(BENCHES), chosen, ran, readBenchResult, (bench) =>
    readmeRowsOf(readmeText, bench),
  );
  const results = entries.filter((entry): entry is BenchResult => 'figures' in entry);
  mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(BENCH_RESULTS_DIR, 'results.json'),
    `${JSON.stringify({ writtenAt: new Date().toISOString(), results }, null, 2)}\n`,
  );
  if (results.length > 0) {
    writeBenchTable(readme, entries);
    console.log(`\n${benchTable(entries)}\n\nbench: written to .data/bench/results.json and the README`);
  }
  return failed === 0 ? 0 : 1;
}

process.exit(main());
