import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

interface LintResult {
  messages: { ruleId: string | null; message: string }[];
}

/** Lints `source` as if it were `file`, with the repository's own configuration and project graph. */
function boundaryErrors(file: string, source: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(root, 'node_modules', '.bin', 'eslint'),
      ['--stdin', '--stdin-filename', file, '--format', 'json'],
      { cwd: root, env: { ...process.env, NX_DAEMON: 'false' } },
      (error, stdout) => {
        try {
          const [result] = JSON.parse(stdout) as LintResult[];
          resolve(
            result.messages
              .filter((message) => message.ruleId === '@nx/enforce-module-boundaries')
              .map((message) => message.message),
          );
        } catch {
          reject(error ?? new Error(`eslint printed no report: ${stdout}`));
        }
      },
    );
    child.stdin?.end(source);
  });
}

describe('module boundaries (the lint rule npm test runs)', () => {
  jest.setTimeout(60_000);

  it('fails when an app imports another app', async () => {
    const errors = await boundaryErrors(
      'apps/sessions/src/leak.ts',
      "import { AppModule } from '../../telemetry/src/app.module';\nexport { AppModule };\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('fails when contracts import anything of the workspace', async () => {
    const errors = await boundaryErrors(
      'libs/contracts/src/leak.ts',
      "import { AmqpConnection } from '@chargeflow/messaging';\nexport { AmqpConnection };\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('lets an app import the libs', async () => {
    const errors = await boundaryErrors(
      'apps/sessions/src/fine.ts',
      "import { Exchanges } from '@chargeflow/contracts';\nexport { Exchanges };\n",
    );
    expect(errors).toEqual([]);
  });
});
