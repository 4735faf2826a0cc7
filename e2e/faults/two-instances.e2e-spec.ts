import { Queues, rpcQueueOf } from '@chargeflow/contracts';
import { waitFor } from '@chargeflow/testing';
import { expectAllAccountedFor, FAULT_RIDES, faultStack } from './fault-run';

const CONSUMING = ['telemetry', 'sessions', 'pricing', 'analytics'] as const;

/**
 * Two instances of every consuming service for the whole case, competing for the same queues; halfway
 * through the stream, as the first rides end, one instance of each is killed with kill -9 and stays
 * dead, so the survivors take over whatever the dead ones held.
 */
describe('fault case: two instances of every consuming service, one of each killed with kill -9 halfway', () => {
  jest.setTimeout(600_000);

  const current = faultStack('faults_two_instances', {
    instances: { telemetry: 2, sessions: 2, pricing: 2, analytics: 2 },
  });

  it('loses and duplicates nothing confirmed; every total, bill and analytics figure is right', async () => {
    const { stack, run } = current();
    const queues = [
      Queues.telemetrySamples,
      rpcQueueOf('sessions'),
      Queues.pricingFinalizedSessions,
      Queues.analyticsEvents,
    ];
    // Both instances of each service consume: the second is no idle spare. The stack is ready when the
    // gateway's readiness check is answered, which one instance of each service is enough for, so the
    // second instances' consumers are waited for.
    await waitFor(
      async () => {
        const counts = await Promise.all(queues.map((queue) => run.consumersOf(queue)));
        return counts.every((count) => count === 2) ? counts : undefined;
      },
      30_000,
      'two consumers on each consuming queue',
      250,
    );
    await run.startRides(FAULT_RIDES);
    const messages = run.wellFormedStream();
    const killAt = Math.floor(messages.length / 2);
    let killed = 0;

    await run.streamWhileRidesEnd(messages, 2, async (index) => {
      if (index !== killAt) return;
      await waitFor(
        async () => ((await run.countedSoFar()) > 0 ? true : undefined),
        60_000,
        'the first samples counted',
      );
      await Promise.all(CONSUMING.map((service) => stack.instances[service][1].kill()));
      killed = CONSUMING.filter((service) => !stack.instances[service][1].running).length;
    });
    expect(killed).toBe(CONSUMING.length);
    expect(CONSUMING.every((service) => stack.instances[service][0].running)).toBe(true);

    const report = await run.finish('two instances of each consuming service, one of each killed with kill -9 halfway');
    expectAllAccountedFor(report, messages.length);
  });
});
