import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { MAX_TAKEN_IN_QUESTION, TelemetryRpc, type TakenInAmongView } from '@chargeflow/contracts';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { BackendClient, BackendRefusal } from '../../ocpp/backend.client';
import { ARRIVAL_DEADLINE_MS, telemetryHasTakenIn } from './telemetry-arrival';

/** Between questions while readings are awaited. */
const TICK_MS = 200;
/** A question about many readings gets this long: one lost answer must not hold every wait for 10 s. */
const QUESTION_DEADLINE_MS = 2_000;
/** After telemetry did not know the question (older, mid-upgrade), how long each wait asks the old way. */
const OLDER_TELEMETRY_FOR_MS = 60_000;
/** The question's correlation id: it is asked for many charges at once. */
const CORRELATION_ID = 'ocpp:charge-ends';

interface Waiter {
  sessionId: string;
  telemetryId: string;
  correlationId: string;
  giveUpAt: number;
  signal?: AbortSignal;
  settle(takenIn: boolean): void;
  fail(error: unknown): void;
}

/**
 * Waits until telemetry has taken in readings (counted or refused with a reason), asking once per
 * tick about every reading awaited in this process (`telemetry.taken-in-among.v1`, up to 1,000 a
 * question, the questions in parallel): a thousand charges ending together cost a few questions a
 * second, not hundreds. A wait gives up after ARRIVAL_DEADLINE_MS (the end goes on all the same), as
 * v1's did. A question telemetry could not answer (slow, away) fails its waits, so their ends are
 * tried again later; one it refuses as invalid, or does not know (an older telemetry, mid-upgrade), is
 * asked reading by reading the old way (`telemetry.taken-in.v1`), for a while in the second case.
 */
@Injectable()
export class ReadingArrivals {
  private readonly waiting = new Set<Waiter>();
  private timer: NodeJS.Timeout | null = null;
  private olderTelemetryUntil = 0;

  constructor(
    private readonly backend: BackendClient,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  /** True once the reading `telemetryId` of the session is taken in; false after the deadline; rejects when `signal` aborts. */
  takenIn(sessionId: string, telemetryId: string, correlationId: string, signal?: AbortSignal): Promise<boolean> {
    if (Date.now() < this.olderTelemetryUntil) {
      return telemetryHasTakenIn(this.backend, sessionId, telemetryId, correlationId, signal);
    }
    signal?.throwIfAborted();
    return new Promise<boolean>((resolve, reject) => {
      const abandon = () => waiter.fail(signal?.reason);
      const done = () => {
        this.waiting.delete(waiter);
        signal?.removeEventListener('abort', abandon);
      };
      const waiter: Waiter = {
        sessionId,
        telemetryId,
        correlationId,
        giveUpAt: Date.now() + ARRIVAL_DEADLINE_MS,
        signal,
        settle: (takenIn) => {
          done();
          resolve(takenIn);
        },
        fail: (error) => {
          done();
          reject(error);
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
    const now = Date.now();
    for (const waiter of this.waiting) if (now >= waiter.giveUpAt) waiter.settle(false);
    const waiters = [...this.waiting];
    const questions: Waiter[][] = [];
    for (let from = 0; from < waiters.length; from += MAX_TAKEN_IN_QUESTION) {
      questions.push(waiters.slice(from, from + MAX_TAKEN_IN_QUESTION));
    }
    await Promise.all(questions.map((asked) => this.askAbout(asked)));
  }

  private async askAbout(asked: Waiter[]): Promise<void> {
    let answer: TakenInAmongView;
    try {
      answer = await this.backend.call<TakenInAmongView>(
        'telemetry',
        TelemetryRpc.takenInAmong,
        { samples: asked.map(({ sessionId, telemetryId }) => ({ sessionId, telemetryId })) },
        CORRELATION_ID,
        QUESTION_DEADLINE_MS,
      );
    } catch (error) {
      const refusal = error instanceof BackendRefusal ? error.error : null;
      this.logger.warn(
        { event: 'ocpp.charge-end.taken-in-question-failed', readings: asked.length, error: (error as Error).message },
        'asking telemetry about awaited readings failed',
      );
      if (refusal?.code === 'UNKNOWN_OPERATION') this.olderTelemetryUntil = Date.now() + OLDER_TELEMETRY_FOR_MS;
      if (refusal?.code === 'UNKNOWN_OPERATION' || refusal?.kind === 'INVALID') {
        for (const waiter of asked) this.askTheOldWay(waiter);
      } else {
        for (const waiter of asked) waiter.fail(error);
      }
      return;
    }
    const taken = new Set(answer.takenIn.map((sample) => `${sample.sessionId}/${sample.telemetryId}`));
    for (const waiter of asked) if (taken.has(`${waiter.sessionId}/${waiter.telemetryId}`)) waiter.settle(true);
  }

  /** One reading asked about on its own (v1), within the time its wait has left. */
  private askTheOldWay(waiter: Waiter): void {
    this.waiting.delete(waiter);
    telemetryHasTakenIn(
      this.backend,
      waiter.sessionId,
      waiter.telemetryId,
      waiter.correlationId,
      waiter.signal,
      waiter.giveUpAt,
    ).then(waiter.settle, waiter.fail);
  }
}
