import { FAULT_RIDES, FAULT_SAMPLES, expectAllAccountedFor, faultStack, type StreamMessage } from './fault-run';

/**
 * Noisy devices, no crash: every tenth sample published twice, 1 % malformed or unstorable, some sent
 * after their ride ended, from four publishers at once, while the 100 rides end one by one mid-stream.
 * Nothing is stopped, so the case runs on a virtual host and databases of its own on the shared servers.
 */
describe('fault case: duplicated, malformed and late samples from several publishers', () => {
  jest.setTimeout(600_000);

  const current = faultStack('faults_noisy');

  it('counts every confirmed sample exactly once or refuses it with a reason; every total, bill and analytics figure is right', async () => {
    const { run } = current();
    await run.startRides(FAULT_RIDES);

    const perRide = Math.floor(FAULT_SAMPLES / FAULT_RIDES);
    const messages: StreamMessage[] = [];
    for (let seq = 0; seq < perRide; seq += 1)
      for (let ride = 0; ride < FAULT_RIDES; ride += 1) {
        const position = messages.length;
        if (position % 100 === 37) {
          // 1 %: unreadable JSON, or a lone surrogate in an id PostgreSQL cannot store.
          const broken =
            position % 200 === 37
              ? { ...run.sample(ride, seq, '0.5'), telemetryId: null, body: Buffer.from('{"telemetryId": ') }
              : run.sample(ride, seq, '0.5', '\ud800');
          messages.push({ ...broken, telemetryId: null });
          continue;
        }
        const sample = run.sample(ride, seq, ['0.125', '0.5', '1.375'][(seq + ride) % 3]);
        messages.push(sample);
        if (position % 10 === 0) messages.push(sample);
      }

    await run.streamWhileRidesEnd(messages, 4);

    const report = await run.finish('duplicated, malformed and late samples from four publishers');
    expectAllAccountedFor(report, messages.length);
    expect(report.accounting.rejectedByReason.SESSION_FINALIZED).toBeGreaterThan(0);
    expect(report.accounting.rejectedByReason.MALFORMED_JSON).toBeGreaterThan(0);
  });
});
