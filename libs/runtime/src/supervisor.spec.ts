import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPERVISOR_PID_VARIABLE } from '@chargeflow/contracts';

const ROOT = join(__dirname, '../../..');
const WAIT_MS = 15_000;

/** A service whose launcher is gone stops by itself: real processes, the launcher killed with SIGKILL. */
describe('stopWithSupervisor', () => {
  jest.setTimeout(60_000);

  /** Running: it exists and is not a zombie waiting to be reaped. */
  const running = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
    } catch {
      return false;
    }
  };
  const until = async (done: () => boolean, what: string, output: () => string) => {
    for (const giveUpAt = Date.now() + WAIT_MS; !done(); await new Promise((resolve) => setTimeout(resolve, 100)))
      if (Date.now() > giveUpAt) throw new Error(`no ${what} in ${WAIT_MS / 1_000} s; output: ${output()}`);
  };
  /** The service: stops on SIGTERM (as a service's shutdown hooks do), saying so, and says when it is up. */
  const service = `
    process.on('SIGTERM', () => { process.stdout.write('stopping\\n'); process.exit(0); });
    require(${JSON.stringify(join(ROOT, 'libs/runtime/src/supervisor'))}).stopWithSupervisor(require('pino')({ level: 'silent' }));
    setInterval(() => undefined, 1_000);
    process.stdout.write('ready ' + (process.env.${SUPERVISOR_PID_VARIABLE} ?? 'unnamed') + '\\n');`;
  const serviceArgs = ['-r', '@swc-node/register', '-e', service];

  it('stops a service once the process that started it is killed, and not before', async () => {
    // The launcher: starts the service naming itself, and ends when this test's pipe to it closes.
    const launcher = `
      const child = require('node:child_process').spawn(process.execPath, ${JSON.stringify(serviceArgs)}, {
        cwd: ${JSON.stringify(ROOT)},
        env: { ...process.env, ${SUPERVISOR_PID_VARIABLE}: String(process.pid) },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      process.stdout.write('service ' + child.pid + '\\n');
      process.stdin.on('end', () => process.exit(0)).resume();`;
    const parent = spawn(process.execPath, ['-e', launcher], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const servicePid = () => Number(/service (\d+)/.exec(output)?.[1]);
    try {
      await until(
        () => output.includes('ready'),
        'ready service',
        () => output,
      );
      // It took the variable out of its own environment: nothing it starts inherits it.
      expect(output).toContain('ready unnamed');
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(running(servicePid())).toBe(true);
      expect(output).not.toContain('stopping');

      parent.kill('SIGKILL');
      await until(
        () => output.includes('stopping') && !running(servicePid()),
        'stopped service',
        () => output,
      );
    } finally {
      parent.kill('SIGKILL');
      if (servicePid() && running(servicePid())) process.kill(servicePid(), 'SIGKILL');
    }
  });

  it('stops at once a service whose launcher was gone before it started', async () => {
    // Named a launcher that is not its parent (init): it was reparented before it started.
    const child = spawn(process.execPath, serviceArgs, {
      cwd: ROOT,
      env: { ...process.env, [SUPERVISOR_PID_VARIABLE]: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      expect(await exited).toBe(0);
      expect(output).toContain('stopping');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
