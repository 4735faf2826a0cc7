import { Injectable } from '@nestjs/common';
import { MAX_TAKEN_IN_QUESTION, TelemetryRpc, type TakenInAmongView } from '@chargeflow/contracts';
import { BackendClient, BackendRefusal } from '../../ocpp/backend.client';
import { ARRIVAL_DEADLINE_MS, telemetryHasTakenIn } from './telemetry-arrival';

/** Between questions while readings are awaited. */
const TICK_MS = 100;
/** After telemetry did not know the question (older, mid-upgrade), how long each wait asks the old way. */
const OLDER_TELEMETRY_FOR_MS = 60_000;

interface Waiter {
  sessionId: string;
  telemetryId: string;
  giveUpAt: number;
  settle(takenIn: boolean): void;
}

/**
 * Waits until telemetry has taken in readings (counted or refused with a reason), asking once per
 * tick about every reading awaited in this process (`telemetry.taken-in.v2`): a thousand charges
 * ending together cost ten questions a second, not a thousand. A wait gives up after
 * ARRIVAL_DEADLINE_MS (the end goes on all the same). A telemetry that does not know the question
 * yet is asked the old way, one reading at a time, for a while.
 */
@Injectable()
export class ReadingArrivals {
  private readonly waiting = new Set<Waiter>();
  private timer: NodeJS.Timeout | null = null;
  private olderTelemetryUntil = 0;

  constructor(private readonly backend: BackendClient) {}

  /** True once the reading `telemetryId` of the session is taken in; false after the deadline; rejects when `signal` aborts. */
  takenIn(sessionId: string, telemetryId: string, correlationId: string, signal?: AbortSignal): Promise<boolean> {
    if (Date.now() < this.olderTelemetryUntil) {
      return telemetryHasTakenIn(this.backend, sessionId, telemetryId, correlationId, signal);
    }
    signal?.throwIfAborted();
    return new Promise<boolean>((resolve, reject) => {
      const abandon = () => {
        this.waiting.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        sessionId,
        telemetryId,
        giveUpAt: Date.now() + ARRIVAL_DEADLINE_MS,
        settle: (takenIn) => {
          this.waiting.delete(waiter);
          signal?.removeEventListener('abort', abandon);
          resolve(takenIn);
        },
      };
      signal?.addEventListener('abort', abandon, { once: true });
      this.waiting.add(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.waiting.size === 0) return;
    this.timer = setTimeout(() => {
      void this.ask().finally(() => {
        this.timer = null;
        this.schedule();
      });
    }, TICK_MS);
  }

  private async ask(): Promise<void> {
    const waiters = [...this.waiting];
    try {
      for (let from = 0; from < waiters.length; from += MAX_TAKEN_IN_QUESTION) {
        const asked = waiters.slice(from, from + MAX_TAKEN_IN_QUESTION);
        const answer = await this.backend.call<TakenInAmongView>(
          'telemetry',
          TelemetryRpc.takenInAmong,
          { samples: asked.map(({ sessionId, telemetryId }) => ({ sessionId, telemetryId })) },
          'ocpp:charge-ends',
        );
        const taken = new Set(answer.takenIn.map((sample) => `${sample.sessionId}/${sample.telemetryId}`));
        for (const waiter of asked) if (taken.has(`${waiter.sessionId}/${waiter.telemetryId}`)) waiter.settle(true);
      }
    } catch (error) {
      if (error instanceof BackendRefusal && error.error.code === 'UNKNOWN_OPERATION') {
        this.olderTelemetryUntil = Date.now() + OLDER_TELEMETRY_FOR_MS;
        for (const waiter of this.waiting) {
          this.waiting.delete(waiter);
          void telemetryHasTakenIn(this.backend, waiter.sessionId, waiter.telemetryId, 'ocpp:charge-ends').then(
            waiter.settle,
            () => waiter.settle(false),
          );
        }
      }
      // Otherwise (telemetry slow or away) the readings are asked about again at the next tick.
    }
    const now = Date.now();
    for (const waiter of this.waiting) if (now >= waiter.giveUpAt) waiter.settle(false);
  }
}
