import { FactQueues } from '@chargeflow/messaging';
import { startOwnBroker, waitFor, type OwnBroker } from '@chargeflow/testing';
import { expectAllAccountedFor, FAULT_RIDES, faultStack } from './fault-run';
import { deadLettered, onOwnBroker, publishThroughOutages, type CaseServers } from './own-servers';

/**
 * RabbitMQ stopped a third of the way through the stream and started again on the same ports and data
 * folder, while the 100 rides end through the second half (the stream waits for the node at 55 %). The services and the publishers reconnect
 * by themselves; the durable quorum queues and what they held come back with the node. The case runs
 * on a broker node of its own, so stopping it disturbs no other suite.
 */
describe('fault case: RabbitMQ stopped and started mid-stream', () => {
  jest.setTimeout(600_000);

  let broker: OwnBroker;
  let servers: CaseServers;
  const current = faultStack('faults_broker_restart', {
    servers: async () => (servers = onOwnBroker((broker = await startOwnBroker('faults_restart')))),
  });

  it('loses and duplicates nothing confirmed, dead-letters nothing, and every total and bill is right', async () => {
    const { run } = current();
    publishThroughOutages(run, servers.vhostUrls());
    await run.startRides(FAULT_RIDES);
    const messages = run.wellFormedStream();

    const stopAt = Math.floor(messages.length / 3);
    // The stream waits for the node at 55 %, so the later ends seal ledgers while their rides' samples
    // still arrive (some must be refused as late): without the wait, a stream published while the node
    // was away can be counted in full before any end gets through.
    const resumeAt = Math.floor(messages.length * 0.55);
    let restarted: Promise<void> | null = null;
    await run.streamWhileRidesEnd(messages, 2, async (index) => {
      if (index === resumeAt) await restarted;
      if (index !== stopAt) return;
      // Stopped only once telemetry has taken some samples, so the outage lands inside the stream's work.
      await waitFor(
        async () => ((await run.countedSoFar()) > 0 ? true : undefined),
        60_000,
        'the first samples counted',
      );
      await broker.stopNode();
      // Started again in the background: the publishers meanwhile find no broker and keep trying.
      restarted = broker.startNode();
    });
    expect(restarted).not.toBeNull();
    await restarted;

    const report = await run.finish('RabbitMQ stopped and started mid-stream');
    expectAllAccountedFor(report, messages.length);
    expect(await deadLettered(servers.vhostUrls()[0])).toEqual(
      Object.fromEntries(Object.values(FactQueues).map((queue) => [queue.name, 0])),
    );
  });
});
