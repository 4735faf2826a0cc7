import { TelemetryRpc, type Page, type RejectionView, type SampleView } from '@chargeflow/contracts';
import type { BackendClient } from '../../ocpp/backend.client';

/** How long a stop waits for telemetry to have counted its last reading before ending the session anyway. */
const ARRIVAL_DEADLINE_MS = 15_000;
const POLL_INTERVAL_MS = 100;
/** Pages of samples one look reads at most; a transaction longer than this is ended without waiting. */
const MAX_PAGES = 20;

/**
 * Waits until telemetry has taken in the reading `telemetryId` of the session (counted or refused
 * with a reason): the telemetry consumer takes a charger's readings in arrival order, so every
 * earlier reading is in by then, and the seal fixes them all. After the deadline the session is
 * ended all the same: a reading arriving after the seal is refused with SESSION_FINALIZED, recorded.
 */
export async function telemetryHasTakenIn(
  backend: BackendClient,
  sessionId: string,
  telemetryId: string,
  correlationId: string,
): Promise<boolean> {
  const giveUpAt = Date.now() + ARRIVAL_DEADLINE_MS;
  while (Date.now() < giveUpAt) {
    if (await takenIn(backend, sessionId, telemetryId, correlationId)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return false;
}

async function takenIn(
  backend: BackendClient,
  sessionId: string,
  telemetryId: string,
  correlationId: string,
): Promise<boolean> {
  const rejections = await backend.call<Page<RejectionView>>(
    'telemetry',
    TelemetryRpc.listRejections,
    { sessionId, limit: 100 },
    correlationId,
  );
  if (rejections.items.some((rejection) => rejection.telemetryId === telemetryId)) return true;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const samples = await backend.call<Page<SampleView>>(
      'telemetry',
      TelemetryRpc.listSamples,
      { sessionId, limit: 1_000, ...(cursor ? { cursor } : {}) },
      correlationId,
    );
    if (samples.items.some((sample) => sample.telemetryId === telemetryId)) return true;
    if (!samples.nextCursor) return false;
    cursor = samples.nextCursor;
  }
  return true;
}
