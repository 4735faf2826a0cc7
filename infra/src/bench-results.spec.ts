import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './process';
import {
  benchTable,
  meets,
  readmeRowsOf,
  README_BENCH_END,
  README_BENCH_START,
  tableResults,
  withBenchTable,
  writeBenchTable,
  type BenchResult,
} from './bench-results';

const telemetry: BenchResult = {
  bench: 'telemetry',
  measuredAt: '2026-12-02T03:00:00.000Z',
  cores: 2,
  loadAverage: [1.2, 0.9, 0.8],
  figures: [
    { name: 'pipeline / fair ceiling', unit: '', value: 0.64, min: 0.58, max: 0.7, target: '>= 0.6' },
    { name: 'telemetry peak RSS', unit: 'MB', value: 231, min: 231, max: 231, target: '<= 200' },
    { name: 'fair ceiling', unit: 'msg/s', value: 5123.4, min: 4000, max: 6000 },
  ],
};

describe('benchmark results for the README', () => {
  it('judges a figure against a target written as <= n or >= n, and nothing without one', () => {
    expect(meets(0.64, '>= 0.6')).toBe(true);
    expect(meets(0.59, '>= 0.6')).toBe(false);
    expect(meets(50, '<= 50')).toBe(true);
    expect(meets(50.1, '<= 50')).toBe(false);
    expect(meets(1, undefined)).toBeNull();
    expect(meets(1, 'fast')).toBeNull();
  });

  it('writes one row per figure with its value, range, target and verdict, and the date, cores and load', () => {
    const table = benchTable([telemetry]);
    expect(table).toContain('| telemetry | pipeline / fair ceiling | 0.64 | 0.58 – 0.7 | >= 0.6 | yes |');
    expect(table).toContain('| telemetry | telemetry peak RSS | 231 MB | 231 – 231 | <= 200 MB | **no** |');
    expect(table).toContain('| telemetry | fair ceiling | 5,123 msg/s | 4,000 – 6,000 |  |  |');
    expect(table).toContain(
      'Measured 2026-12-02 on 2 cores; 1-minute load average at each benchmark’s end'.replace('’', "'"),
    );
  });

  it('keeps the last figures of the benchmarks a run with --only left out, and leaves out one that failed', () => {
    const of = (bench: string, measuredAt: string): BenchResult => ({ ...telemetry, bench, measuredAt });
    const earlier = (bench: string) => (bench === 'ocpp' ? null : of(bench, '2026-12-01T00:00:00.000Z'));
    const fresh = of('analytics', '2026-12-02T07:00:00.000Z');
    const order = ['telemetry', 'api', 'analytics', 'ocpp'];
    expect(tableResults(order, ['analytics'], [fresh], earlier)).toEqual([
      of('telemetry', '2026-12-01T00:00:00.000Z'),
      of('api', '2026-12-01T00:00:00.000Z'),
      fresh,
    ]);
    expect(tableResults(order, ['api', 'analytics'], [fresh], earlier)).toEqual([
      of('telemetry', '2026-12-01T00:00:00.000Z'),
      fresh,
    ]);
  });

  it('keeps the README rows of a benchmark not run whose figures this machine never recorded, and says so', () => {
    const readme = `# R\n\n${README_BENCH_START}\n\n${benchTable([{ ...telemetry, bench: 'analytics' }])}\n\n${README_BENCH_END}\n`;
    const rows = readmeRowsOf(readme, 'analytics');
    expect(rows).toHaveLength(3);
    expect(readmeRowsOf(readme, 'ocpp')).toEqual([]);
    const entries = tableResults(
      ['telemetry', 'analytics'],
      ['telemetry'],
      [telemetry],
      () => null,
      (bench) => readmeRowsOf(readme, bench),
    );
    expect(entries).toEqual([telemetry, { bench: 'analytics', rows }]);
    const table = benchTable(entries);
    expect(table).toContain(rows.join('\n'));
    expect(table).toContain('analytics: as the README last recorded it');
  });

  it('replaces only what lies between the markers, and refuses a README without them', () => {
    const readme = `# R\n\n${README_BENCH_START}\nold table\n${README_BENCH_END}\n\nafter\n`;
    const written = withBenchTable(readme, 'new table');
    expect(written).toBe(`# R\n\n${README_BENCH_START}\n\nnew table\n\n${README_BENCH_END}\n\nafter\n`);
    expect(withBenchTable(written, 'new table')).toBe(written);
    expect(() => withBenchTable('# R\n', 'x')).toThrow(/needs one/);
  });

  it('finds the section in this repository’s README that npm run bench rewrites', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(withBenchTable(readme, 'table')).toContain(`${README_BENCH_START}\n\ntable\n\n${README_BENCH_END}`);
  });

  it('writes the table into a copy of this README formatted as npm test’s format check wants it', () => {
    const readme = join(mkdtempSync(join(tmpdir(), 'cf-readme-')), 'README.md');
    copyFileSync(join(REPO_ROOT, 'README.md'), readme);
    writeBenchTable(readme, [telemetry]);
    const written = readFileSync(readme, 'utf8');
    expect(written).toContain('| telemetry | pipeline / fair ceiling');
    const checked = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'prettier'), ['--check', readme], {
      encoding: 'utf8',
    });
    expect(checked.status).toBe(0);
  });
});
