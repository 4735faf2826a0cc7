import { Inject, Injectable } from '@nestjs/common';
import { TelemetryRpc, type SealedTotals, type SealSessionRequest } from '@chargeflow/contracts';
import { currentCorrelation, RpcClient, RpcUnavailableError } from '@chargeflow/messaging';
import type { SealedLedger, SessionSnapshot } from '../domain/session.aggregate';
import { TelemetryUnavailableError } from '../domain/session.errors';
import type { TelemetrySeal } from '../domain/telemetry-seal';

export const SEAL_TIMEOUT_MS = Symbol('SEAL_TIMEOUT_MS');

/** Asks the telemetry service to seal a session's ledger and returns the totals it fixed. */
@Injectable()
export class TelemetrySealClient implements TelemetrySeal {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(SEAL_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  async seal(session: SessionSnapshot): Promise<SealedLedger> {
    try {
      const reply = await this.rpc.request<SealedTotals>('telemetry', TelemetryRpc.seal, sealRequestOf(session), {
        correlationId: currentCorrelation()?.correlationId ?? session.id,
        timeoutMs: this.timeoutMs,
      });
      if (!reply.ok) throw new Error(`telemetry refused the seal: ${reply.error.code}`);
      const { energyWh, distanceM, sampleCount, sealedAt } = reply.data;
      return { energyWh, distanceM, sampleCount, sealedAt: new Date(sealedAt) };
    } catch (error) {
      if (error instanceof RpcUnavailableError) throw new TelemetryUnavailableError(session.id);
      throw error;
    }
  }
}

/**
 * The seal request: the session's facts as `session.started.v1` gives them, so that telemetry can open
 * the ledger itself (and judge the session's parked samples in it) when the seal overtakes that event.
 * A ride's has no `stationMetered` at all: a telemetry older than that field refuses it as unknown, so
 * rides end there still (charges need telemetry upgraded first).
 */
export function sealRequestOf(session: SessionSnapshot): SealSessionRequest {
  const request: SealSessionRequest = {
    sessionId: session.id,
    kind: session.kind,
    vehicleId: session.vehicleId,
    stationId: session.charge?.stationId ?? null,
    startedAt: session.startedAt.toISOString(),
  };
  return session.charge ? { ...request, stationMetered: session.charge.metered } : request;
}
