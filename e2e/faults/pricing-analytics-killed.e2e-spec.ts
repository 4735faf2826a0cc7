import { waitFor } from '@chargeflow/testing';
import { expectAllAccountedFor, FAULT_RIDES, faultStack } from './fault-run';

/**
 * kill -9 of the pricing and analytics services together, halfway through the ends, while
 * session.finalized.v1 and billing events flow to them, both started again at once. Each ride must
 * still be billed exactly once, and analytics must equal the checker's figures and a rebuild.
 */
describe('fault case: pricing and analytics killed with kill -9 while finalized sessions and bills flow', () => {
  jest.setTimeout(600_000);

  const current = faultStack('faults_kill_pricing_analytics');

  it('bills every ride exactly once and derives analytics equal to a rebuild; nothing lost or duplicated', async () => {
    const { stack, run } = current();
    await run.startRides(FAULT_RIDES);
    const messages = run.wellFormedStream();
    const { pricing, analytics } = stack.processes;
    const ends = [...run.endSchedule(messages.length).keys()].sort((a, b) => a - b);
    const killAt = ends[Math.floor(ends.length / 2)];
    let killedWithWork = false;

    await run.streamWhileRidesEnd(messages, 2, async (index) => {
      if (index !== killAt) return;
      // Killed once the first ride's bill exists, so the crash lands inside the flow of events.
      await waitFor(
        async () => {
          const bill = await run.api('GET', `/v1/billing/sessions/${run.rides[0].id}`);
          return bill.status === 200 && bill.body.status === 'PRICED' ? true : undefined;
        },
        60_000,
        'the first ride billed',
        250,
      );
      await Promise.all([pricing.kill(), analytics.kill()]);
      killedWithWork = true;
      pricing.start();
      analytics.start();
    });
    expect(killedWithWork).toBe(true);

    const report = await run.finish('pricing and analytics killed with kill -9 halfway through the ends');
    expectAllAccountedFor(report, messages.length);
  });
});
