import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@chargeflow/testing';
import { expectAllAccountedFor, FAULT_RIDES, faultStack } from './fault-run';

/** The gateway's deadline for a call to sessions (RPC_TIMEOUT_MS): a request older than this is dropped unread. */
const GATEWAY_DEADLINE_MS = 5_000;
/** How long sessions gets to record the batch's ends and send their seals to the paused telemetry (below SEAL_TIMEOUT_MS). */
const TIME_TO_ASK_FOR_SEALS_MS = 1_000;

/**
 * kill -9 of the sessions service between a seal and its finalization. The fourth batch of ends is
 * asked once while telemetry is paused, so the seals sessions sends wait; sessions is then frozen
 * (SIGSTOP) and telemetry resumed, so telemetry seals those ledgers while sessions cannot hear the
 * answer; sessions is killed with kill -9 and, once the ends' own requests have expired, started
 * again. Nobody asks for those ends again: the end reconciler must finalize them at their seal.
 */
describe('fault case: the sessions service killed with kill -9 between a seal and its finalization', () => {
  jest.setTimeout(600_000);

  const current = faultStack('faults_kill_sessions');

  it('finalizes the rides sealed while sessions was down at their seal, by itself; nothing lost or duplicated', async () => {
    const { stack, run } = current();
    await run.startRides(FAULT_RIDES);
    const messages = run.wellFormedStream();
    const { sessions, telemetry } = stack.processes;
    const [endsAt, batch] = [...run.endSchedule(messages.length)].sort(([a], [b]) => a - b)[3];

    let fault: Promise<{ sealed: number[]; pausedAt: number; killedAt: number }> | undefined;
    const freezeSealAndKill = async () => {
      const askedAt = Date.now();
      await sleep(TIME_TO_ASK_FOR_SEALS_MS);
      sessions.pause();
      const pausedAt = Date.now();
      telemetry.resume();
      // A sealed ledger shows publicly as telemetry refusing a ride's late samples as SESSION_FINALIZED.
      await waitFor(
        async () => ((await run.sealedSeen(batch)).length === batch.length ? true : undefined),
        8_000,
        'the batch sealed while sessions is frozen',
        250,
      ).catch(() => undefined);
      const sealed = await run.sealedSeen(batch);
      const killedAt = Date.now();
      await sessions.kill();
      await sleep(Math.max(0, askedAt + GATEWAY_DEADLINE_MS + 1_000 - Date.now()));
      sessions.start();
      return { sealed, pausedAt, killedAt };
    };
    try {
      await run.streamWhileRidesEnd(
        messages,
        2,
        async (index) => {
          if (index === endsAt - 1) telemetry.pause();
          if (index === endsAt) fault = freezeSealAndKill();
        },
        { endOnce: new Set(batch) },
      );
    } finally {
      telemetry.resume();
    }
    const { sealed, pausedAt, killedAt } = await (fault as NonNullable<typeof fault>);

    expect(sealed.length).toBeGreaterThan(0);
    // The gateway never heard back from the frozen sessions: each end was answered 503, and never asked again.
    for (const ride of batch) expect(run.endAnswers.get(ride)?.status).toBe(503);
    expect(await run.notFinalizedWithin(sealed, 90_000)).toEqual([]);
    for (const session of await run.sessions(sealed)) {
      // Finalized after the restart, at the seal telemetry made while sessions was frozen, then killed.
      expect(Date.parse(session.endedAt)).toBeGreaterThanOrEqual(pausedAt - 250);
      expect(Date.parse(session.endedAt)).toBeLessThanOrEqual(killedAt);
    }
    // An end sessions had not yet recorded when it froze is lost with its request: its client hears 503 and asks again.
    const unrecorded = await run.notFinalizedWithin(
      batch.filter((ride) => !sealed.includes(ride)),
      30_000,
    );
    await Promise.all(unrecorded.map((ride) => run.endRide(ride)));

    const report = await run.finish('sessions killed with kill -9 between a seal and its finalization');
    expectAllAccountedFor(report, messages.length);
    process.stdout.write(
      `sealed while sessions was down: ${sealed.length} of ${batch.length}; ended again: ${unrecorded.length}\n`,
    );
  });
});
