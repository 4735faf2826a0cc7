import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './process';

/**
 * One figure a benchmark measured: its value (the median over the runs, or the percentile its name
 * states), the min and max over the runs, and the issue's target for it.
 */
export interface BenchFigure {
  name: string;
  unit: string;
  value: number;
  min: number;
  max: number;
  /** The issue's target, as `<= 50` or `>= 0.6`; absent for figures reported without one. */
  target?: string;
}

export interface BenchResult {
  bench: string;
  measuredAt: string;
  cores: number;
  /** 1, 5 and 15 minute load averages when the benchmark ended: above the core count, figures are inflated. */
  loadAverage: number[];
  figures: BenchFigure[];
}

export const BENCH_RESULTS_DIR = join(REPO_ROOT, '.data', 'bench');

/** Writes one benchmark's figures to `.data/bench/<bench>.json`, where `npm run bench` collects them. */
export function recordBenchResult(bench: string, figures: BenchFigure[]): BenchResult {
  const result: BenchResult = {
    bench,
    measuredAt: new Date().toISOString(),
    cores: cpus().length,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    figures,
  };
  mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
  writeFileSync(join(BENCH_RESULTS_DIR, `${bench}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

export function readBenchResult(bench: string): BenchResult | null {
  const file = join(BENCH_RESULTS_DIR, `${bench}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchResult) : null;
}

/** A benchmark not measured on this machine: the rows the README's table last held for it, kept as they were. */
export interface RecordedRows {
  bench: string;
  rows: string[];
}

export type TableEntry = BenchResult | RecordedRows;

/**
 * What the README's table shows, in the benchmarks' order: this run's figures for the benchmarks it ran
 * (one that failed is left out), the last recorded figures, with their own date, for those it did not
 * run, and for one of those with no recorded figures on this machine (a fresh clone), the rows the
 * README already holds for it.
 */
export function tableResults(
  order: string[],
  chosen: string[],
  ran: BenchResult[],
  earlier: (bench: string) => BenchResult | null,
  inReadme: (bench: string) => string[] = () => [],
): TableEntry[] {
  return order.flatMap((bench): TableEntry[] => {
    if (chosen.includes(bench)) return ran.filter((each) => each.bench === bench).slice(0, 1);
    const result = earlier(bench);
    if (result) return [result];
    const rows = inReadme(bench);
    return rows.length > 0 ? [{ bench, rows }] : [];
  });
}

/** The rows of a README's performance table that belong to `bench`, as they stand. */
export function readmeRowsOf(readme: string, bench: string): string[] {
  const start = readme.indexOf(README_BENCH_START);
  const end = readme.indexOf(README_BENCH_END);
  if (start < 0 || end < start) return [];
  return readme
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|') && line.split('|')[1]?.trim() === bench);
}

/** Whether a value meets a target written as `<= n` or `>= n`; null without a target. */
export function meets(value: number, target: string | undefined): boolean | null {
  const match = target ? /^(<=|>=) (-?[\d.]+)$/.exec(target) : null;
  if (!match) return null;
  return match[1] === '<=' ? value <= Number(match[2]) : value >= Number(match[2]);
}

const format = (value: number) =>
  Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : String(Math.round(value * 100) / 100);
const withUnit = (text: string, unit: string) => (unit ? `${text} ${unit}` : text);

/** The README's performance table: one row per figure, its value (the median of the runs) judged against the target, min – max beside it. */
export function benchTable(entries: TableEntry[]): string {
  const lines = [
    '| benchmark | figure | value | min – max | target | met |',
    '| --- | --- | ---: | ---: | --- | --- |',
  ];
  const results = entries.filter((entry): entry is BenchResult => 'figures' in entry);
  const kept = entries.filter((entry): entry is RecordedRows => 'rows' in entry);
  for (const entry of entries) {
    if ('rows' in entry) {
      lines.push(...entry.rows);
      continue;
    }
    for (const figure of entry.figures) {
      const verdict = meets(figure.value, figure.target);
      lines.push(
        `| ${entry.bench} | ${figure.name} | ${withUnit(format(figure.value), figure.unit)} | ` +
          `${format(figure.min)} – ${format(figure.max)} | ${figure.target ? withUnit(figure.target, figure.unit) : ''} | ` +
          `${verdict === null ? '' : verdict ? 'yes' : '**no**'} |`,
      );
    }
  }
  const machines = [...new Set(results.map((result) => `${result.cores} cores`))].join(', ');
  const dates = results.map((result) => result.measuredAt.slice(0, 10)).sort();
  const loads = results.map((result) => `${result.bench} ${result.loadAverage[0]}`).join(', ');
  lines.push(
    '',
    `Measured ${dates[0]}${dates.length > 1 && dates.at(-1) !== dates[0] ? ` to ${dates.at(-1)}` : ''} on ${machines}; ` +
      `1-minute load average at each benchmark's end: ${loads}.` +
      (kept.length > 0
        ? ` ${kept.map((entry) => entry.bench).join(', ')}: as the README last recorded ${kept.length > 1 ? 'them' : 'it'} (no figures for ${kept.length > 1 ? 'them' : 'it'} in .data/bench on this machine).`
        : ''),
  );
  return lines.join('\n');
}

export const README_BENCH_START = '<!-- npm run bench: start -->';
export const README_BENCH_END = '<!-- npm run bench: end -->';

/** The README with its generated performance table replaced; the markers must be there once each. */
export function withBenchTable(readme: string, table: string): string {
  const start = readme.indexOf(README_BENCH_START);
  const end = readme.indexOf(README_BENCH_END);
  if (start < 0 || end < start || readme.indexOf(README_BENCH_START, start + 1) >= 0)
    throw new Error(`the README needs one "${README_BENCH_START}" ... "${README_BENCH_END}" section`);
  return `${readme.slice(0, start + README_BENCH_START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

/** Rewrites a README's performance table, formatted as the format check wants it (npm test checks the README). */
export function writeBenchTable(readme: string, entries: TableEntry[]): void {
  writeFileSync(readme, withBenchTable(readFileSync(readme, 'utf8'), benchTable(entries)));
  // The project's own formatter, as `npm test` runs it (a process: prettier loads its plugins by dynamic import).
  const formatted = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'prettier'), ['--write', readme], {
    encoding: 'utf8',
  });
  if (formatted.status !== 0) throw new Error(`prettier could not format ${readme}: ${formatted.stderr}`);
}
