import type { Logger } from 'pino';
import { SUPERVISOR_PID_VARIABLE } from '@chargeflow/contracts';
const CHECK_INTERVAL_MS = 1_000;

/**
 * When the process that started this service named itself in CHARGEFLOW_SUPERVISOR_PID, stops the
 * service as SIGTERM would (gracefully) once that process is gone, even killed: a launcher that dies
 * leaves no service behind it holding its ports, connections and consumers. Checked every second
 * (this process's parent changes when its parent dies).
 */
export function stopWithSupervisor(logger: Logger, env: NodeJS.ProcessEnv = process.env): void {
  const supervisor = Number(env[SUPERVISOR_PID_VARIABLE]);
  if (!Number.isInteger(supervisor) || supervisor <= 0 || process.ppid !== supervisor) return;
  const timer = setInterval(() => {
    if (process.ppid === supervisor) return;
    clearInterval(timer);
    logger.warn(
      { event: 'service.supervisor-gone', supervisorPid: supervisor },
      'the process that started this service is gone: stopping',
    );
    process.kill(process.pid, 'SIGTERM');
  }, CHECK_INTERVAL_MS);
  timer.unref();
}
