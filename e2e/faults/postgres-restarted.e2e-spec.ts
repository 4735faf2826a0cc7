import { setTimeout as sleep } from 'node:timers/promises';
import { FactQueues } from '@chargeflow/messaging';
import { startOwnPostgres, waitFor, type OwnPostgres } from '@chargeflow/testing';
import { expectAllAccountedFor, FAULT_RIDES, faultStack } from './fault-run';
import { deadLettered, onOwnPostgres, type CaseServers } from './own-servers';

/** Longer than a message's every in-process retry (5 deliveries × 3.5 s): a service that acked-and-dropped would show. */
const OUTAGE_MS = 20_000;

/**
 * PostgreSQL, holding every service's database, stopped a third of the way through the stream and
 * started again 20 s later, while the 100 rides end through the second half (the first of them during
 * the outage). Every service keeps what
 * it accepted (it hands messages back rather than ack and drop them) and nothing is dead-lettered. The
 * case runs on a PostgreSQL server of its own, so stopping it disturbs no other suite.
 */
describe('fault case: PostgreSQL stopped and started mid-stream', () => {
  jest.setTimeout(600_000);

  let postgres: OwnPostgres;
  let servers: CaseServers;
  const current = faultStack('faults_pg_restart', {
    servers: async () =>
      (servers = onOwnPostgres((postgres = await startOwnPostgres('faults', { max_connections: '200' })))),
  });

  it('loses and duplicates nothing confirmed, dead-letters nothing, and every total and bill is right', async () => {
    const { stack, run } = current();
    await run.startRides(FAULT_RIDES);
    const messages = run.wellFormedStream();

    const stopAt = Math.floor(messages.length / 3);
    // The first fifth of the ends is asked during the outage; the stream then waits for the server, so
    // the other ends seal ledgers while their rides' samples still arrive (some must be refused as late:
    // without the wait, a stream published before the server is back can be counted in full before any end).
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
      await postgres.stop();
      // The stream carries on into the outage; the server comes back in the background.
      restarted = sleep(OUTAGE_MS).then(() => postgres.start());
    });
    expect(restarted).not.toBeNull();
    await restarted;
    // The outage reached the services: telemetry's consumer stopped taking samples until the database was back.
    expect(stack.processes.telemetry.tail(1_000_000)).toContain('consuming paused');

    const report = await run.finish('PostgreSQL stopped and started mid-stream');
    expectAllAccountedFor(report, messages.length);
    expect(await deadLettered(servers.vhostUrls()[0])).toEqual(
      Object.fromEntries(Object.values(FactQueues).map((queue) => [queue.name, 0])),
    );
  });
});
