import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority } from 'node:os';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CENTRAL_SYSTEM_PORT, SUPERVISOR_PID_VARIABLE } from '@chargeflow/contracts';
import { REPO_ROOT, sleep } from './process';

export const StackServices = [
  'sessions',
  'telemetry',
  'pricing',
  'analytics',
  'central-system',
  'api-gateway',
] as const;

export type StackService = (typeof StackServices)[number];

/**
 * The compiled entry point (see build.ts): services run as plain JavaScript, as in production. `root`
 * is the checkout whose build runs: this repository, or another build of it (`bench:api --against`).
 */
export function entrypointOf(service: StackService, root = REPO_ROOT): string {
  return join(root, 'dist', 'apps', service, 'src', 'main.js');
}

/**
 * Node options a service runs with, here and in docker-compose.yml. Telemetry turns over batches of
 * short-lived samples; V8's default young generation grows to 16 MB semi-spaces and the process
 * peaked above 200 MB RSS under `npm run bench:telemetry`, against about 110 MB with 4 MB ones. The
 * central-system turns over a frame's objects per OCPP call, a thousand connections' worth a second.
 */
export const NODE_ARGS: Partial<Record<StackService, readonly string[]>> = {
  telemetry: ['--max-semi-space-size=4'],
  'central-system': ['--max-semi-space-size=4'],
};

/**
 * Services whose work is derived from facts already committed (billing, analytics): they start at a
 * lower CPU priority (`nice`, every thread of theirs), here and as `cpu_shares` in docker-compose.yml,
 * so a command waiting for a core gets it first and the derived work takes the idle time. Under load
 * they lag a little, and reads they answer (billing records, tariffs, analytics queries) wait behind
 * the commands.
 */
export const NICENESS: Partial<Record<StackService, number>> = { pricing: 10, analytics: 10 };

/** A niceness above the starting process's own (lowering a priority needs no privilege), at most 19. */
export function niceOf(niceness: number): number {
  return Math.min(19, getPriority() + niceness);
}

/**
 * Environment a service starts with unless its caller sets the variable, here and in
 * docker-compose.yml. The central-system hashes charge point passwords with scrypt (16 MB each, in
 * libuv's threads); glibc would keep each thread's 16 MB for good (about 65 MB), so such blocks are
 * mapped on their own and given back when freed, on huge pages so hashing stays as fast (glibc ≥ 2.35;
 * older ones ignore the tunable and hash slower).
 */
export const SERVICE_ENV: Partial<Record<StackService, Readonly<Record<string, string>>>> = {
  'central-system': { MALLOC_MMAP_THRESHOLD_: '1048576', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' },
};

/** Services that listen on a port of their own, so only one instance of each runs in a stack. */
export const ListeningServices: readonly StackService[] = ['api-gateway', 'central-system'];

/**
 * CPU_PROF_DIR=<dir>: every service writes a V8 CPU profile there, `<service>.<start time>.cpuprofile`, when it
 * stops (Node refuses --cpu-prof in NODE_OPTIONS, so the stack passes it).
 */
function profilingArgs(service: StackService): string[] {
  const dir = process.env.CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${service}.${Date.now()}.cpuprofile`] : [];
}

export interface StackOptions {
  env: NodeJS.ProcessEnv;
  /** Write each service's log to `<logDir>/<service>.log` instead of this process's stdout. */
  logDir?: string;
  readyTimeoutMs?: number;
  /** How many instances of a service to run (1 unless named), as competing consumers with the same env. */
  instances?: Partial<Record<StackService, number>>;
  /** The checkout whose build the services run from (default: this repository). */
  root?: string;
}

/** One service running as its own Node process, started exactly as in production. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exit: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly service: StackService,
    private readonly options: StackOptions,
    /** Which instance of the service this is, from 1; the second and later log to `<service>-<n>.log`. */
    readonly instance = 1,
  ) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logFile(): string | null {
    const name = this.instance === 1 ? this.service : `${this.service}-${this.instance}`;
    return this.options.logDir ? join(this.options.logDir, `${name}.log`) : null;
  }

  start(): void {
    const entrypoint = entrypointOf(this.service, this.options.root);
    if (!existsSync(entrypoint)) throw new Error(`${entrypoint} is missing: build the services first (npm run build)`);
    const logFile = this.logFile;
    // The service writes its log file itself (appending, stdout and stderr alike): relaying its lines
    // through this process would wake this process for each one, on the cores the service runs on.
    let log: number | null = null;
    if (logFile && this.options.logDir) {
      mkdirSync(this.options.logDir, { recursive: true });
      log = openSync(logFile, 'a');
    }
    const node = [process.execPath, ...(NODE_ARGS[this.service] ?? []), ...profilingArgs(this.service), entrypoint];
    const niceness = NICENESS[this.service];
    // Through nice(1), so every thread the process starts has the lower priority (a niceness is per thread).
    const [command, ...args] = niceness === undefined ? node : ['nice', '-n', String(niceness), ...node];
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: this.options.root ?? REPO_ROOT,
        env: { ...SERVICE_ENV[this.service], ...this.options.env, [SUPERVISOR_PID_VARIABLE]: String(process.pid) },
        stdio: ['ignore', log ?? 'inherit', log ?? 'inherit'],
      });
    } finally {
      if (log !== null) closeSync(log);
    }
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.child = child;
  }

  /** Asks the service to stop gracefully; kills it if it has not stopped within the grace period. */
  async stop(graceMs = 15_000): Promise<number | null> {
    const child = this.child;
    if (!child || !this.running) return this.exit;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await this.exit;
    clearTimeout(timer);
    return code;
  }

  /** Kills the process without a chance to clean up, as a crash would. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exit;
  }

  /** Freezes the process (SIGSTOP): it holds its connections but answers nothing, as a stalled host would. */
  pause(): void {
    if (this.running) this.child?.kill('SIGSTOP');
  }

  /** Lets a paused process run on (SIGCONT). */
  resume(): void {
    if (this.running) this.child?.kill('SIGCONT');
  }

  waitForExit(): Promise<number | null> {
    return this.exit;
  }

  tail(lines = 20): string {
    const logFile = this.logFile;
    if (!logFile) return '';
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** The six services, started together and answering `GET /readyz` with 200. */
export class Stack {
  /** The first instance of each service. */
  readonly processes: Record<StackService, ServiceProcess>;
  /** Every instance of each service, the first one first. */
  readonly instances: Record<StackService, ServiceProcess[]>;

  private constructor(
    readonly gatewayUrl: string,
    private readonly options: StackOptions,
  ) {
    const ocppHost = options.env.CENTRAL_SYSTEM_HOST || '127.0.0.1';
    this.ocppUrl = `ws://${ocppHost}:${options.env.CENTRAL_SYSTEM_PORT || DEFAULT_CENTRAL_SYSTEM_PORT}/ocpp`;
    this.instances = Object.fromEntries(
      StackServices.map((service) => [
        service,
        Array.from(
          { length: instanceCountOf(service, options) },
          (_, index) => new ServiceProcess(service, options, index + 1),
        ),
      ]),
    ) as Record<StackService, ServiceProcess[]>;
    this.processes = Object.fromEntries(
      StackServices.map((service) => [service, this.instances[service][0]]),
    ) as Record<StackService, ServiceProcess>;
  }

  private get all(): ServiceProcess[] {
    return Object.values(this.instances).flat();
  }

  /** Where charge points connect (the central-system's OCPP-J endpoint). */
  readonly ocppUrl: string;

  static async start(options: StackOptions): Promise<Stack> {
    const host = options.env.GATEWAY_HOST || '127.0.0.1';
    const port = options.env.GATEWAY_PORT || '3000';
    const stack = new Stack(`http://${host}:${port}`, options);
    for (const process of stack.all) process.start();
    try {
      await stack.waitUntilReady(options.readyTimeoutMs ?? 90_000);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** Polls readiness; fails fast, naming the service, when one of the processes exits. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const giveUpAt = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < giveUpAt) {
      const dead = this.all.find((process) => !process.running);
      if (dead) {
        throw new Error(
          `${dead.service} (instance ${dead.instance}) exited with code ${await dead.waitForExit()} before the stack was ready\n${dead.tail()}`,
        );
      }
      try {
        const response = await fetch(`${this.gatewayUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
        if (response.status === 200) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(500);
    }
    throw new Error(`the stack was not ready within ${timeoutMs} ms: ${last}`);
  }

  async stop(): Promise<void> {
    const gateway = this.processes['api-gateway'];
    await gateway.stop();
    await Promise.all(
      this.all.map((process) => {
        process.resume();
        return process.stop();
      }),
    );
  }
}

/** How many instances of a service a stack runs; more than one of a service that listens on a port is refused. */
export function instanceCountOf(service: StackService, options: Pick<StackOptions, 'instances'>): number {
  const count = options.instances?.[service] ?? 1;
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`instances of ${service}: ${count} is not a whole number from 1`);
  if (count > 1 && ListeningServices.includes(service))
    throw new Error(`instances of ${service}: only one, as it listens on a port of its own`);
  return count;
}
