import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@chargeflow/testing';
import { expectAllAccountedFor, FAULT_RIDES, faultStack } from './fault-run';

/** The sessions service's seal deadline (SEAL_TIMEOUT_MS, its default): an end waits this long for telemetry's seal. */
const SEAL_TIMEOUT_MS = 3_000;

/**
 * The telemetry service paused with SIGSTOP just before the fourth batch of ends and kept paused past
 * the seal deadline, until every end of that batch was answered, then resumed with SIGCONT. Those ends
 * are asked once: each is answered 503 TELEMETRY_UNAVAILABLE and must complete by itself (the end reconciler).
 */
describe('fault case: the telemetry service paused with SIGSTOP past the seal deadline', () => {
  jest.setTimeout(600_000);

  const current = faultStack('faults_pause_telemetry');

  it('completes the ends answered 503 TELEMETRY_UNAVAILABLE by itself; nothing lost or duplicated', async () => {
    const { stack, run } = current();
    await run.startRides(FAULT_RIDES);
    const messages = run.wellFormedStream();
    const { telemetry } = stack.processes;
    const [endsAt, batch] = [...run.endSchedule(messages.length)].sort(([a], [b]) => a - b)[3];

    let pause: Promise<{ pausedMs: number; resumedAt: number }> | undefined;
    const pausePastTheDeadline = async () => {
      const pausedAt = Date.now();
      await sleep(SEAL_TIMEOUT_MS);
      await waitFor(
        async () => (batch.every((ride) => run.endAnswers.has(ride)) ? true : undefined),
        30_000,
        'every end of the batch answered',
        100,
      ).catch(() => undefined);
      telemetry.resume();
      return { pausedMs: Date.now() - pausedAt, resumedAt: Date.now() };
    };
    try {
      await run.streamWhileRidesEnd(
        messages,
        2,
        async (index) => {
          if (index === endsAt - 1) telemetry.pause();
          if (index === endsAt) pause = pausePastTheDeadline();
        },
        { endOnce: new Set(batch) },
      );
    } finally {
      telemetry.resume();
    }
    const { pausedMs, resumedAt } = await (pause as NonNullable<typeof pause>);

    expect(pausedMs).toBeGreaterThan(SEAL_TIMEOUT_MS);
    // Sessions answers TELEMETRY_UNAVAILABLE after the seal deadline; on a loaded machine the gateway's own deadline may pass first.
    const answers = batch.map((ride) => run.endAnswers.get(ride));
    for (const answer of answers)
      expect(answer).toEqual({
        status: 503,
        code: expect.stringMatching(/^(TELEMETRY_UNAVAILABLE|SERVICE_UNAVAILABLE)$/),
      });
    expect(answers.filter((answer) => answer?.code === 'TELEMETRY_UNAVAILABLE').length).toBeGreaterThan(0);
    // Never asked again: the recorded ends complete by themselves, sealed once telemetry runs again.
    expect(await run.notFinalizedWithin(batch, 90_000)).toEqual([]);
    for (const session of await run.sessions(batch))
      expect(Date.parse(session.endedAt)).toBeGreaterThanOrEqual(resumedAt - 250);

    const report = await run.finish('telemetry paused with SIGSTOP past the seal deadline');
    expectAllAccountedFor(report, messages.length);
    const codes = answers.map((answer) => answer?.code).join(', ');
    process.stdout.write(
      `telemetry paused ${pausedMs} ms; ${batch.length} ends answered 503 (${codes}), finished by themselves\n`,
    );
  });
});
