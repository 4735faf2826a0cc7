import { TelemetryRpc } from '@chargeflow/contracts';
import { BackendRefusal, type BackendClient } from '../../ocpp/backend.client';
import { telemetryHasTakenIn } from './telemetry-arrival';

/** A backend that answers telemetry's taken-in question from a script, one answer per look. */
function scripted(answers: (boolean | BackendRefusal)[]): { backend: BackendClient; asked: string[] } {
  const asked: string[] = [];
  const backend = {
    call: async (_service: string, pattern: string) => {
      asked.push(pattern);
      const answer = answers.shift();
      if (answer instanceof BackendRefusal) throw answer;
      return { takenIn: answer ?? false };
    },
  } as unknown as BackendClient;
  return { backend, asked };
}

const refusal = (code: string) => new BackendRefusal({ kind: 'NOT_FOUND', code, message: code } as never);

describe('a stop waiting for a reading, asked reading by reading', () => {
  it('asks telemetry until the reading is taken in', async () => {
    const { backend, asked } = scripted([false, false, true]);
    await expect(telemetryHasTakenIn(backend, 's', 't', 'c')).resolves.toBe(true);
    expect(asked).toEqual([TelemetryRpc.takenIn, TelemetryRpc.takenIn, TelemetryRpc.takenIn]);
  });

  it('goes on at once when telemetry does not know the question yet (an older telemetry mid-upgrade)', async () => {
    const { backend, asked } = scripted([refusal('UNKNOWN_OPERATION')]);
    await expect(telemetryHasTakenIn(backend, 's', 't', 'c')).resolves.toBe(false);
    expect(asked).toHaveLength(1);
  });

  it('passes any other refusal on', async () => {
    const { backend } = scripted([refusal('VALIDATION_FAILED')]);
    await expect(telemetryHasTakenIn(backend, 's', 't', 'c')).rejects.toBeInstanceOf(BackendRefusal);
  });
});
