import { setTimeout as sleep } from 'node:timers/promises';
import { TelemetryRpc, type TakenInView } from '@chargeflow/contracts';
import { BackendRefusal, type BackendClient } from '../../ocpp/backend.client';

/** How long a stop waits for telemetry to have taken in a reading before ending the session anyway. */
export const ARRIVAL_DEADLINE_MS = 15_000;
/** Between looks: short at first (a reading is usually in within a batch), growing so a thousand stops at once stay cheap. */
const FIRST_POLL_MS = 50;
const LONGEST_POLL_MS = 500;

/**
 * Waits until telemetry has taken in the reading `telemetryId` of the session (counted or refused
 * with a reason). Each look is a lookup by key among the samples and one among the session's
 * rejections. After the deadline (each look may itself take up to the backend's 10 s) the session is
 * ended all the same: a reading arriving after the seal is refused with SESSION_FINALIZED, recorded.
 * `signal` stops the waiting (rejecting with its reason); `giveUpAt` moves the deadline.
 */
export async function telemetryHasTakenIn(
  backend: BackendClient,
  sessionId: string,
  telemetryId: string,
  correlationId: string,
  signal?: AbortSignal,
  giveUpAt = Date.now() + ARRIVAL_DEADLINE_MS,
): Promise<boolean> {
  for (let pauseMs = FIRST_POLL_MS; Date.now() < giveUpAt; pauseMs = Math.min(pauseMs * 2, LONGEST_POLL_MS)) {
    signal?.throwIfAborted();
    let answer: TakenInView;
    try {
      answer = await backend.call<TakenInView>(
        'telemetry',
        TelemetryRpc.takenIn,
        { sessionId, telemetryId },
        correlationId,
      );
    } catch (error) {
      // A telemetry older than this question (mid-upgrade) cannot tell: the stop goes on as after the deadline.
      if (error instanceof BackendRefusal && error.error.code === 'UNKNOWN_OPERATION') return false;
      throw error;
    }
    if (answer.takenIn) return true;
    await sleep(pauseMs, undefined, { signal });
  }
  return false;
}
