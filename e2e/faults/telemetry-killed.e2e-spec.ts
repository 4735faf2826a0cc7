import { Stack } from '@chargeflow/infra';
import { createStackEnvironment, waitFor, type StackEnvironment } from '@chargeflow/testing';
import { FaultRun, type StreamMessage } from './fault-run';

const SAMPLES = Number(process.env.FAULTS_SAMPLES ?? 50_000);
const RIDES = 100;

/**
 * kill -9 of the telemetry service a third of the way through the stream, started again at once, while
 * the 100 rides end through the second half. Only a process dies, so the case runs on a virtual host
 * and databases of its own on the shared servers.
 */
describe('fault case: the telemetry service killed with kill -9 mid-stream', () => {
  jest.setTimeout(600_000);

  let environment: StackEnvironment;
  let stack: Stack;

  beforeAll(async () => {
    environment = await createStackEnvironment('faults_kill_telemetry');
    // The checker reads every ride back through the API many times: the admin key's rate limit is for clients.
    environment.env.RATE_LIMIT_KEY_PER_MINUTE = '100000000';
    environment.env.RATE_LIMIT_KEY_BURST = '1000000';
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 170_000 });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await environment?.cleanup();
  }, 120_000);

  it('loses and duplicates nothing confirmed, and every total and bill is right', async () => {
    const run = new FaultRun(stack.gatewayUrl, environment.adminKey, environment.vhost.url);
    await run.startRides(RIDES);
    const perRide = Math.floor(SAMPLES / RIDES);
    const messages: StreamMessage[] = [];
    for (let seq = 0; seq < perRide; seq += 1)
      for (let ride = 0; ride < RIDES; ride += 1)
        messages.push(run.sample(ride, seq, ['0.25', '0.5', '2.125'][(seq + ride) % 3]));

    const telemetry = stack.processes.telemetry;
    const killAt = Math.floor(messages.length / 3);
    let killedWithWork = false;
    await run.streamWhileRidesEnd(messages, 2, async (index) => {
      if (index !== killAt) return;
      // Killed only once it has taken some samples, so the crash lands inside the stream's work.
      await waitFor(
        async () => ((await run.countedSoFar()) > 0 ? true : undefined),
        60_000,
        'the first samples counted',
      );
      await telemetry.kill();
      killedWithWork = true;
      telemetry.start();
    });
    expect(killedWithWork).toBe(true);

    const accounting = await run.account();
    run.record('telemetry killed with kill -9 mid-stream', accounting);
    expect(accounting.attempted).toBe(messages.length);
    expect(accounting.lost).toEqual([]);
    expect(accounting.duplicated).toEqual([]);
    expect(accounting.phantom).toEqual([]);
    expect(accounting.wrongSessions).toEqual([]);
    expect(accounting.counted).toBeGreaterThan(0);
    expect(await run.checkBilling()).toEqual({ unbilled: [], mismatches: 0 });
  });
});
