import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createIsolatedVhost, freePort, waitFor, type IsolatedVhost } from '@chargeflow/testing';

/**
 * A process whose only work is its broker connection (analytics between events: nothing else holds
 * its event loop) must live through the broker's absence and reconnect. Once it ended silently, with
 * exit code 0 and no log line, because the wait between attempts did not hold the process open.
 */
describe('AmqpConnection while the broker is away', () => {
  let vhost: IsolatedVhost;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    vhost = await createIsolatedVhost('outage');
  });

  afterEach(() => {
    child?.kill('SIGKILL');
    child = null;
  });

  afterAll(async () => {
    await vhost.remove();
  });

  /**
   * Runs a Node process that opens an AmqpConnection to `url` and prints each log event as one line;
   * with `closeAfterFailures`, it closes the connection once it has failed that many times after connecting.
   */
  function holder(
    url: string,
    startupTimeoutMs: number,
    closeAfterFailures = 0,
  ): { process: ChildProcess; output: () => string; exit: Promise<number | null> } {
    const script = `
      const { AmqpConnection } = require(${JSON.stringify(join(__dirname, 'amqp-connection.ts'))});
      let connection = null;
      let failures = 0;
      const line = (fields) => {
        process.stdout.write(fields.event + '\\n');
        if (connection && fields.event === 'broker.unreachable' && ++failures === ${closeAfterFailures})
          connection.close().then(() => process.stdout.write('closed\\n'));
      };
      const logger = { info: line, warn: line, error: line };
      AmqpConnection.open({ url: ${JSON.stringify(url)}, name: 'outage-test', logger, startupTimeoutMs: ${startupTimeoutMs},
        minRetryDelayMs: 100, maxRetryDelayMs: 400 })
        .then((opened) => { connection = opened; })
        .catch((error) => { process.stdout.write('failed: ' + error.message + '\\n'); process.exitCode = 1; });
    `;
    const started = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    return { process: started, output: () => output, exit };
  }

  it('keeps trying until its start-up deadline, then fails with the reason', async () => {
    const closedPort = await freePort();
    const run = holder(`amqp://guest:guest@127.0.0.1:${closedPort}`, 2_000);
    const startedAt = Date.now();
    expect(await run.exit).toBe(1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_500);
    expect(run.output()).toContain('broker.unreachable');
    expect(run.output()).toMatch(/failed: message broker unavailable: .*ECONNREFUSED/);
  });

  it('stays alive while the broker is unreachable and reconnects when it is back', async () => {
    const broker = new URL(vhost.url);
    const relay = new Relay(Number(broker.port));
    const port = await freePort();
    await relay.listen(port);
    const viaRelay = new URL(vhost.url);
    viaRelay.port = String(port);
    const run = holder(viaRelay.toString(), 10_000);
    const connections = () =>
      run
        .output()
        .split('\n')
        .filter((line) => line === 'broker.connected').length;
    await waitFor(async () => (connections() === 1 ? true : undefined), 20_000, 'the first connection', 50);

    await relay.cut();
    await waitFor(
      async () => (run.output().split('broker.unreachable').length > 5 ? true : undefined),
      20_000,
      'several failed attempts',
      50,
    );
    expect(run.process.exitCode).toBeNull();

    await relay.listen(port);
    await waitFor(async () => (connections() === 2 ? true : undefined), 20_000, 'the reconnection', 50);
    expect(run.process.exitCode).toBeNull();
    await relay.cut();
  });

  it('lets its process end once closed while the broker is unreachable', async () => {
    const relay = new Relay(Number(new URL(vhost.url).port));
    const port = await freePort();
    await relay.listen(port);
    const viaRelay = new URL(vhost.url);
    viaRelay.port = String(port);
    const run = holder(viaRelay.toString(), 10_000, 3);
    await waitFor(
      async () => (run.output().includes('broker.connected') ? true : undefined),
      20_000,
      'the connection',
      50,
    );
    await relay.cut();
    // Nothing else holds the process: once closed, neither a wait nor an attempt may keep it alive.
    const exited = await Promise.race([run.exit, new Promise((resolve) => setTimeout(() => resolve('alive'), 15_000))]);
    expect(run.output()).toContain('closed');
    expect(exited).toBe(0);
  });
});

/** A loopback TCP relay to the broker that the test can cut (the broker is gone) and restore on the same port. */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  listen(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  }

  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
