import type { Logger } from 'pino';
import { createRPCError } from 'ocpp-rpc';
import { TelemetryRpc } from '@chargeflow/contracts';
import { BackendRefusal, type BackendClient } from '../../ocpp/backend.client';
import { ReadingArrivals } from './reading-arrivals';

type Sample = { sessionId: string; telemetryId: string };

const logger = { warn: () => undefined } as unknown as Logger;

/**
 * A telemetry whose samples arrive when the test says, answering both forms of the question from
 * them; `among` says how it takes the question about many: answered, unknown (an older telemetry),
 * refused as invalid, or not answered in time.
 */
function aTelemetry(among: 'answered' | 'unknown' | 'invalid' | 'timeout' = 'answered') {
  const takenIn = new Set<string>();
  const questions: { pattern: string; payload: { samples?: Sample[] } }[] = [];
  const backend = {
    call: async (_service: string, pattern: string, payload: { samples?: Sample[] } & Partial<Sample>) => {
      questions.push({ pattern, payload });
      if (pattern === TelemetryRpc.takenInAmong) {
        if (among === 'unknown') {
          throw new BackendRefusal({ kind: 'NOT_FOUND', code: 'UNKNOWN_OPERATION', message: '' } as never);
        }
        if (among === 'invalid') {
          throw new BackendRefusal({ kind: 'INVALID', code: 'VALIDATION_FAILED', message: '' } as never);
        }
        if (among === 'timeout') throw createRPCError('InternalError', 'the telemetry service did not answer', {});
        return { takenIn: (payload.samples ?? []).filter((sample) => takenIn.has(sample.telemetryId)) };
      }
      return { takenIn: takenIn.has(payload.telemetryId as string) };
    },
  } as unknown as BackendClient;
  return { backend, questions, arrive: (telemetryId: string) => takenIn.add(telemetryId) };
}

describe('waiting for readings to be taken in', () => {
  it('asks once per tick about every reading awaited, and answers each wait when its reading is in', async () => {
    const telemetry = aTelemetry();
    telemetry.arrive('r1');
    const arrivals = new ReadingArrivals(telemetry.backend, logger);
    const first = arrivals.takenIn('s1', 'r1', 'c');
    const second = arrivals.takenIn('s2', 'r2', 'c');
    await expect(first).resolves.toBe(true);
    expect(telemetry.questions).toEqual([
      {
        pattern: TelemetryRpc.takenInAmong,
        payload: {
          samples: [
            { sessionId: 's1', telemetryId: 'r1' },
            { sessionId: 's2', telemetryId: 'r2' },
          ],
        },
      },
    ]);
    telemetry.arrive('r2');
    await expect(second).resolves.toBe(true);
    expect(telemetry.questions).toHaveLength(2);
    expect(telemetry.questions[1].payload.samples).toEqual([{ sessionId: 's2', telemetryId: 'r2' }]);
  });

  it('asks a telemetry that does not know the question the old way, one reading at a time', async () => {
    const telemetry = aTelemetry('unknown');
    telemetry.arrive('r1');
    const arrivals = new ReadingArrivals(telemetry.backend, logger);
    await expect(arrivals.takenIn('s1', 'r1', 'c')).resolves.toBe(true);
    expect(telemetry.questions.map((question) => question.pattern)).toEqual([
      TelemetryRpc.takenInAmong,
      TelemetryRpc.takenIn,
    ]);
    await expect(arrivals.takenIn('s1', 'r1', 'c')).resolves.toBe(true);
    expect(telemetry.questions.map((question) => question.pattern).slice(2)).toEqual([TelemetryRpc.takenIn]);
  });

  it('asks the old way about readings in a question refused as invalid, and only for that question', async () => {
    const telemetry = aTelemetry('invalid');
    telemetry.arrive('r1');
    const arrivals = new ReadingArrivals(telemetry.backend, logger);
    await expect(arrivals.takenIn('s1', 'r1', 'c')).resolves.toBe(true);
    await arrivals.takenIn('s1', 'r1', 'c');
    expect(telemetry.questions.map((question) => question.pattern)).toEqual([
      TelemetryRpc.takenInAmong,
      TelemetryRpc.takenIn,
      TelemetryRpc.takenInAmong,
      TelemetryRpc.takenIn,
    ]);
  });

  it('fails the waits of a question telemetry did not answer, so their ends are tried again later', async () => {
    const telemetry = aTelemetry('timeout');
    const arrivals = new ReadingArrivals(telemetry.backend, logger);
    await expect(arrivals.takenIn('s1', 'r1', 'c')).rejects.toThrow('did not answer');
  });

  it('stops waiting when told to, and asks no more about that reading', async () => {
    const telemetry = aTelemetry();
    const arrivals = new ReadingArrivals(telemetry.backend, logger);
    const stopping = new AbortController();
    const waiting = arrivals.takenIn('s1', 'r1', 'c', stopping.signal);
    stopping.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(telemetry.questions).toEqual([]);
  });

  it('gives up on a reading that does not come, after the deadline', async () => {
    jest.useFakeTimers();
    try {
      const telemetry = aTelemetry();
      const arrivals = new ReadingArrivals(telemetry.backend, logger);
      const waiting = arrivals.takenIn('s1', 'r1', 'c');
      await jest.advanceTimersByTimeAsync(14_000);
      telemetry.arrive('unrelated');
      await jest.advanceTimersByTimeAsync(1_200);
      await expect(waiting).resolves.toBe(false);
      // Asked about at every tick (200 ms) meanwhile.
      expect(telemetry.questions.length).toBeGreaterThan(60);
    } finally {
      jest.useRealTimers();
    }
  });
});
