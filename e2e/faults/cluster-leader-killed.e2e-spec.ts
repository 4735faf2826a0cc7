import { Queues } from '@chargeflow/contracts';
import { FactQueues } from '@chargeflow/messaging';
import { startOwnCluster, waitFor, type OwnCluster } from '@chargeflow/testing';
import { expectAllAccountedFor, FAULT_RIDES, faultStack } from './fault-run';
import { deadLettered, onOwnCluster, publishThroughOutages, type CaseServers } from './own-servers';

/** The node the checker reads the queues through: services and publishers start elsewhere. */
const CHECKER_NODE = 2;

/**
 * A three-node RabbitMQ cluster of the case's own (rabbitmq.sh start --nodes 3), the services given
 * every node in RABBITMQ_URLS. The node leading the samples queue is killed with kill -9 a third of the
 * way through the stream and stays down, while the 100 rides end through the second half: the queue
 * elects a leader among its two other replicas, the services and the publishers reconnect to a
 * surviving node by themselves, and nothing confirmed is lost.
 */
describe('fault case: the RabbitMQ node leading the samples queue killed with kill -9 in a three-node cluster', () => {
  jest.setTimeout(600_000);

  let cluster: OwnCluster;
  let servers: CaseServers;
  // Three Erlang VMs booting and joining take most of a minute on two cores: a hook of its own, before the stack's.
  beforeAll(async () => {
    cluster = await startOwnCluster('faults');
  }, 300_000);
  const current = faultStack('faults_cluster', {
    servers: async () => (servers = onOwnCluster(cluster, CHECKER_NODE)),
  });

  it('loses and duplicates nothing confirmed, dead-letters nothing, and every total and bill is right', async () => {
    const { run } = current();
    const urls = servers.vhostUrls();
    const vhost = decodeURIComponent(new URL(urls[0]).pathname.slice(1));
    const before = await cluster.quorumOf(vhost, Queues.telemetrySamples, CHECKER_NODE);
    // Created for three replicas, one on each node, and led where the services declared it (not the checker's node).
    expect(before.members).toEqual([0, 1, 2]);
    expect(before.leader).not.toBe(CHECKER_NODE);
    // The publishers start on the leader too, so they must move when it dies.
    publishThroughOutages(run, [urls[before.leader], ...urls.filter((_, node) => node !== before.leader)]);

    await run.startRides(FAULT_RIDES);
    const messages = run.wellFormedStream();

    const killAt = Math.floor(messages.length / 3);
    let killed: Promise<void> | null = null;
    try {
      await run.streamWhileRidesEnd(messages, 2, async (index) => {
        if (index !== killAt) return;
        // Killed only once telemetry has taken some samples, so the crash lands inside the stream's work.
        await waitFor(
          async () => ((await run.countedSoFar()) > 0 ? true : undefined),
          60_000,
          'the first samples counted',
        );
        // Not awaited: the stream goes on, so publishes are in flight on the node as it dies.
        killed = cluster.kill(before.leader);
      });
      expect(killed).not.toBeNull();
      await killed;

      const report = await run.finish('the leader of the samples queue killed with kill -9 in a three-node cluster');
      expectAllAccountedFor(report, messages.length);
      expect(await deadLettered(urls[CHECKER_NODE])).toEqual(
        Object.fromEntries(Object.values(FactQueues).map((queue) => [queue.name, 0])),
      );
      expect((await cluster.quorumOf(vhost, Queues.telemetrySamples, CHECKER_NODE)).leader).not.toBe(before.leader);
    } finally {
      if (killed) {
        await killed;
        // The node is gone for good: the cluster forgets it, so the case's virtual host can be deleted.
        await cluster.forget(before.leader, CHECKER_NODE);
      }
    }
  });
});
