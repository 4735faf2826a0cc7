import { waitFor } from '@chargeflow/testing';
import { FAULT_RIDES, FAULT_SAMPLES, faultStack, type StreamMessage } from './fault-run';

/**
 * kill -9 of the telemetry service a third of the way through the stream, started again at once, while
 * the 100 rides end through the second half. Only a process dies, so the case runs on a virtual host
 * and databases of its own on the shared servers.
 */
describe('fault case: the telemetry service killed with kill -9 mid-stream', () => {
  jest.setTimeout(600_000);

  const current = faultStack('faults_kill_telemetry');

  it('loses and duplicates nothing confirmed, and every total and bill is right', async () => {
    const { stack, run } = current();
    await run.startRides(FAULT_RIDES);
    const perRide = Math.floor(FAULT_SAMPLES / FAULT_RIDES);
    const messages: StreamMessage[] = [];
    for (let seq = 0; seq < perRide; seq += 1)
      for (let ride = 0; ride < FAULT_RIDES; ride += 1)
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
