import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SUPERVISOR_PID_VARIABLE } from '@chargeflow/contracts';

const ROOT = join(__dirname, '../../..');

/** A service whose launcher dies stops by itself: real processes, the launcher killed with SIGKILL. */
describe('stopWithSupervisor', () => {
  jest.setTimeout(30_000);

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('stops a service gracefully once the process that started it is gone, and not before', async () => {
    // The service: stops on SIGTERM (as a service's shutdown hooks do), saying so.
    const service = `
      const { stopWithSupervisor } = require(${JSON.stringify(join(ROOT, 'libs/runtime/src/supervisor'))});
      process.on('SIGTERM', () => { process.stdout.write('stopping\\n'); process.exit(0); });
      stopWithSupervisor(require('pino')({ level: 'silent' }));
      setInterval(() => undefined, 1_000);
      process.stdout.write('ready\\n');`;
    // The launcher: starts the service with its own pid in the variable, and stays.
    const launcher = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', ${JSON.stringify(service)}], {
        cwd: ${JSON.stringify(ROOT)},
        env: { ...process.env, ${SUPERVISOR_PID_VARIABLE}: String(process.pid) },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      process.stdout.write('service ' + child.pid + '\\n');
      setInterval(() => undefined, 1_000);`;
    const parent = spawn(process.execPath, ['-e', launcher], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const waitFor = async (done: () => boolean, what: string) => {
      for (const giveUpAt = Date.now() + 20_000; !done(); await new Promise((resolve) => setTimeout(resolve, 100)))
        if (Date.now() > giveUpAt) throw new Error(`no ${what} in 20 s; output: ${output}`);
    };
    try {
      await waitFor(() => output.includes('ready'), 'ready service');
      const servicePid = Number(/service (\d+)/.exec(output)?.[1]);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(alive(servicePid)).toBe(true);
      expect(output).not.toContain('stopping');

      parent.kill('SIGKILL');
      await waitFor(() => output.includes('stopping') && !alive(servicePid), 'stopped service');
    } finally {
      parent.kill('SIGKILL');
      const servicePid = Number(/service (\d+)/.exec(output)?.[1]);
      if (servicePid && alive(servicePid)) process.kill(servicePid, 'SIGKILL');
    }
  });
});
