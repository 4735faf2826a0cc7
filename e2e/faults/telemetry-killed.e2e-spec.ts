import { waitFor } from '@chargeflow/testing';
import { expectAllAccountedFor, FAULT_RIDES, faultStack } from './fault-run';

/**
 * kill -9 of the telemetry service a third of the way through the stream, started again at once, while
 * the 100 rides end through the second half. Only a process dies, so the case runs on a virtual host
 * and databases of its own on the shared servers.
 */
describe('fault case: the telemetry service killed with kill -9 mid-stream', () => {
  jest.setTimeout(600_000);

  const current = faultStack('faults_kill_telemetry');

  it('loses and duplicates nothing confirmed; every total, bill and analytics figure is right', async () => {
    const { stack, run } = current();
    await run.startRides(FAULT_RIDES);
    const messages = run.wellFormedStream();

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

    const report = await run.finish('telemetry killed with kill -9 mid-stream');
    expectAllAccountedFor(report, messages.length);
  });
});
