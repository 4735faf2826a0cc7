import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** Runs the format check npm test runs, on `source` as if it were `file`; resolves to its exit code. */
function formatCheck(file: string, source: string): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile(
      join(root, 'node_modules', '.bin', 'prettier'),
      ['--check', '--stdin-filepath', file],
      { cwd: root },
      // Prettier's own exit code; a missing binary (a string code such as ENOENT) is not a refusal.
      (error) => resolve(error ? (typeof error.code === 'number' ? error.code : Number.NaN) : 0),
    );
    child.stdin?.end(source);
  });
}

describe('format check (the Prettier step npm test runs)', () => {
  jest.setTimeout(30_000);

  it('fails on an unformatted file', async () => {
    expect(await formatCheck('apps/sessions/src/unformatted.ts', 'const limits = {max:1,min:0}\n')).toBe(1);
  });

  it('fails on a line longer than 120 characters that can be broken', async () => {
    const long = `export const names = [${Array.from({ length: 12 }, (_, i) => `'vehicle-${i}'`).join(', ')}];\n`;
    expect(await formatCheck('apps/sessions/src/long.ts', long)).toBe(1);
  });

  it('passes a formatted file', async () => {
    expect(await formatCheck('apps/sessions/src/formatted.ts', 'const limits = { max: 1, min: 0 };\n')).toBe(0);
  });
});
