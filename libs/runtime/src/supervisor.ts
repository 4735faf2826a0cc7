import type { Logger } from 'pino';
import { SUPERVISOR_PID_VARIABLE } from '@chargeflow/contracts';

const CHECK_INTERVAL_MS = 1_000;
/** How long a stop may take before the process exits anyway: no one is left to kill it. */
const STOP_GRACE_MS = 15_000;

/**
 * When the process that started this service named itself in CHARGEFLOW_SUPERVISOR_PID, stops the
 * service once that process is gone, even killed: a launcher that dies leaves no service behind it
 * holding its ports, connections and consumers. Called first thing at start; checked every second
 * (a process's parent changes when its parent dies). It stops as SIGTERM does: gracefully once the
 * shutdown hooks are in place, at once before; and exits after 15 s if the stop hangs. The variable
 * is removed from this process's environment, so nothing it starts inherits it.
 */
export function stopWithSupervisor(logger: Logger, env: NodeJS.ProcessEnv = process.env): void {
  const named = env[SUPERVISOR_PID_VARIABLE];
  if (named === undefined) return;
  delete env[SUPERVISOR_PID_VARIABLE];
  const supervisor = Number(named);
  const stop = () => {
    logger.warn(
      { event: 'service.supervisor-gone', supervisorPid: supervisor },
      'the process that started this service is gone: stopping',
    );
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  if (process.ppid !== supervisor) return stop();
  const timer = setInterval(() => {
    if (process.ppid === supervisor) return;
    clearInterval(timer);
    stop();
  }, CHECK_INTERVAL_MS);
  timer.unref();
}
