import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, run } from './process';

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numRuntimeErrorTestSuites: number;
}

const RESULTS = join(REPO_ROOT, '.data', 'jest-results.json');
const FAULT_RESULTS = join(REPO_ROOT, '.data', 'jest-fault-results.json');

async function step(name: string, command: string, args: string[]): Promise<boolean> {
  const started = Date.now();
  console.log(`\n== ${name}`);
  const result = await run(command, args, { echo: true, env: { ...process.env, NX_DAEMON: 'false' } });
  console.log(
    `== ${name}: ${result.code === 0 ? 'ok' : `failed (exit ${result.code})`} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return result.code === 0;
}

/**
 * `npm test`: type check, format check (Prettier), lint (module boundaries included), then the unit, integration and end-to-end
 * tests on a real broker and database, then the fault cases one at a time, ending with one plain line of passed and failed tests.
 */
async function main(): Promise<void> {
  const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);
  const typed = await step('type check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  const formatted = await step('format', bin('prettier'), ['--check', '.', '--log-level=warn']);
  const graphed = await step('project graph', bin('nx'), ['show', 'projects']);
  const linted = graphed && (await step('lint', bin('eslint'), ['.', '--max-warnings=0']));
  const tested = await step('tests', bin('jest'), [
    ...['--selectProjects', 'unit', 'integration', 'e2e'],
    ...['--maxWorkers=2', '--json', `--outputFile=${RESULTS}`],
  ]);
  // One fault case at a time: two of them at once on two cores would measure the machine, not the fault.
  const faultsHeld = await step('fault cases', bin('jest'), [
    ...['--selectProjects', 'faults'],
    ...['--runInBand', '--json', `--outputFile=${FAULT_RESULTS}`],
  ]);

  const report = [readReport(RESULTS), readReport(FAULT_RESULTS)].reduce((sum, part) => ({
    numPassedTests: sum.numPassedTests + part.numPassedTests,
    numFailedTests: sum.numFailedTests + part.numFailedTests,
    numPendingTests: sum.numPendingTests + part.numPendingTests,
    numRuntimeErrorTestSuites: sum.numRuntimeErrorTestSuites + part.numRuntimeErrorTestSuites,
  }));
  const failed =
    report.numFailedTests + report.numRuntimeErrorTestSuites + (typed ? 0 : 1) + (formatted ? 0 : 1) + (linted ? 0 : 1);
  const skipped = report.numPendingTests > 0 ? `, ${report.numPendingTests} skipped` : '';
  console.log(`\ntests: ${report.numPassedTests} passed, ${failed} failed${skipped}`);
  process.exit(typed && formatted && linted && tested && faultsHeld && failed === 0 ? 0 : 1);
}

function readReport(file: string): JestReport {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JestReport;
  } catch {
    console.log(`tests: ${file} was not written`);
    return { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numRuntimeErrorTestSuites: 1 };
  }
}

void main();
