import { Injectable } from '@nestjs/common';
import {
  BillingRpc,
  MAX_PAGE_SIZE,
  SessionRpc,
  type BackendService,
  type BillingRecordView,
  type Page,
  type SessionView,
} from '@chargeflow/contracts';
import { RpcClient, RpcUnavailableError } from '@chargeflow/messaging';
import type { BillingFactRow, SessionFactRow } from '../projection/infrastructure/projection.store';

/** A request to a queue not declared yet is dropped unread: a short deadline retries it soon. */
const REQUEST_TIMEOUT_MS = 10_000;
/** How long a page read waits for a service that does not answer (it may be starting too). */
const UNAVAILABLE_PATIENCE_MS = 120_000;

/** Pages through the finalized sessions and billing records of the sessions and pricing services. */
@Injectable()
export class UpstreamReader {
  constructor(private readonly rpc: RpcClient) {}

  async *finalizedSessions(correlationId: string): AsyncGenerator<SessionFactRow[]> {
    for await (const page of this.pages<SessionView>(
      'sessions',
      SessionRpc.list,
      { state: 'FINALIZED' },
      correlationId,
    ))
      yield page.map(sessionFactOfView);
  }

  async *billingRecords(correlationId: string): AsyncGenerator<BillingFactRow[]> {
    for await (const page of this.pages<BillingRecordView>('pricing', BillingRpc.list, {}, correlationId))
      yield page.map(billingFactOfView);
  }

  /** The numbers of finalized sessions and of billing records upstream, counted page by page. */
  async counts(correlationId: string): Promise<{ finalizedSessions: number; billingRecords: number }> {
    let finalizedSessions = 0;
    for await (const page of this.finalizedSessions(correlationId)) finalizedSessions += page.length;
    let billingRecords = 0;
    for await (const page of this.billingRecords(correlationId)) billingRecords += page.length;
    return { finalizedSessions, billingRecords };
  }

  private async *pages<T>(
    service: BackendService,
    pattern: string,
    filter: object,
    correlationId: string,
  ): AsyncGenerator<T[]> {
    let cursor: string | undefined;
    do {
      const page = await this.request<Page<T>>(
        service,
        pattern,
        { ...filter, limit: MAX_PAGE_SIZE, cursor },
        correlationId,
      );
      yield page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** One request, repeated with growing pauses while the service does not answer at all. */
  private async request<T>(
    service: BackendService,
    pattern: string,
    payload: object,
    correlationId: string,
  ): Promise<T> {
    const giveUpAt = Date.now() + UNAVAILABLE_PATIENCE_MS;
    for (let pauseMs = 250; ; pauseMs = Math.min(pauseMs * 2, 5_000)) {
      try {
        const reply = await this.rpc.request<T>(service, pattern, payload, {
          correlationId,
          timeoutMs: REQUEST_TIMEOUT_MS,
        });
        if (!reply.ok) throw new Error(`${service} refused ${pattern}: ${reply.error.code} ${reply.error.message}`);
        return reply.data;
      } catch (error) {
        if (!(error instanceof RpcUnavailableError) || Date.now() + pauseMs > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }
}

/**
 * The API's session view carries energies as JSON numbers; String(n) gives back the stored decimal
 * exactly for up to 15 significant digits (a double's guaranteed precision), which covers any fleet's
 * Wh and metres at the sessions service's 6 decimals.
 */
function sessionFactOfView(view: SessionView): SessionFactRow {
  if (view.endedAt === null || view.durationS === null) throw new Error(`session ${view.id} is not finalized`);
  const energy = view.kind === 'RIDE' ? view.energyConsumedWh : view.energyDeliveredWh;
  return {
    sessionId: view.id,
    kind: view.kind,
    vehicleId: view.vehicleId,
    riderId: view.riderId,
    stationId: view.stationId,
    startedAt: new Date(view.startedAt),
    endedAt: new Date(view.endedAt),
    durationS: view.durationS,
    energyWh: String(energy ?? 0),
    distanceM: String(view.distanceM ?? 0),
  };
}

interface PricedTotals {
  currency: string;
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
}

function billingFactOfView(view: BillingRecordView): BillingFactRow {
  const totals = view.status === 'PRICED' ? (view.billing as unknown as PricedTotals | null) : null;
  if (view.status === 'PRICED' && !totals) throw new Error(`billing record of session ${view.sessionId} has no totals`);
  return {
    sessionId: view.sessionId,
    revision: view.revision,
    status: view.status,
    currency: totals?.currency ?? null,
    totalExclVat: totals?.totalExclVat ?? null,
    totalVat: totals?.totalVat ?? null,
    totalInclVat: totals?.totalInclVat ?? null,
  };
}
