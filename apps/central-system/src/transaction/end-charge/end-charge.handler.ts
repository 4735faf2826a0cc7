import { setMaxListeners } from 'node:events';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { SessionRpc, type SessionView } from '@chargeflow/contracts';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { BackendClient, BackendRefusal } from '../../ocpp/backend.client';
import { nextEndAttemptInMs, refusalStands } from '../domain/charge-end';
import { meterReadingId } from '../infrastructure/meter-sample.publisher';
import { TransactionRepository, type StoppedCharge } from '../infrastructure/transaction.repository';
import { ReadingArrivals } from './reading-arrivals';

export type EndOutcome = 'ENDED' | 'POSTPONED' | 'REFUSED';

/** How long a start waits for the end of a stopped charge in its way before answering ConcurrentTx. */
const START_WAITS_FOR_END_MS = 5_000;

/**
 * The readings a charge's energy rests on: the start's and the stop's. The energy is the register's
 * highest-`seq` reading minus its lowest, so once both ends are in, readings between them change
 * nothing of it, whichever order and telemetry instance takes them in (an earlier reading parked
 * during a sessions outage is counted after later ones), as long as no reading is stamped before the
 * start or after the stop. A stop stamped at the start's very millisecond names the start's reading
 * (the same telemetryId): telemetry refuses it as a conflict, and the charge is 0 Wh.
 */
function energyEnds(charge: StoppedCharge): string[] {
  const start = meterReadingId(charge.chargePointId, charge.transactionId, charge.startedAt);
  return charge.lastTelemetryId && charge.lastTelemetryId !== start ? [start, charge.lastTelemetryId] : [start];
}

/**
 * Ends a stopped transaction's charging session: once telemetry has taken in the start's and the
 * stop's readings, the session ends through the seal, so the charge's energy is the register's delta
 * exactly. The StopTransaction is answered before this runs; the row it recorded keeps the end due
 * until an attempt settles it, so a failed attempt, or one whose instance died, is made again
 * (StoppedChargesReconciler).
 */
@Injectable()
export class EndChargeHandler implements BeforeApplicationShutdown {
  /** The attempts under way in this process, by transaction: a second asker waits for the first. */
  private readonly running = new Map<number, Promise<EndOutcome>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly backend: BackendClient,
    private readonly transactions: TransactionRepository,
    private readonly arrivals: ReadingArrivals,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {
    // Every reading awaited listens for the shutdown: hundreds at once when many charges end together.
    setMaxListeners(0, this.stopping.signal);
  }

  /** Attempts under way in this process. */
  get underWay(): number {
    return this.running.size;
  }

  /**
   * Starts an attempt on an end this process holds, and returns at once. Once shutting down it starts
   * none: the end stays due, for any instance once its lease runs out.
   */
  startAttempt(charge: StoppedCharge): void {
    if (!this.stopping.signal.aborted) void this.attempt(charge, { holdsLease: true });
  }

  /**
   * Whether the session `sessionId`, which a start found in its way, was a stopped transaction's
   * charge and has ended now: the attempt under way here is awaited, or one is made (another
   * instance may hold the end: ending twice finalizes once, and this attempt then leaves the row's
   * schedule to that instance). Waits START_WAITS_FOR_END_MS at most.
   */
  async endedIfStopped(sessionId: string): Promise<boolean> {
    const charge = await this.transactions.unendedCharge(sessionId);
    if (!charge) return false;
    const outcome = this.attempt(charge, { holdsLease: false });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'LATE'>((resolve) => (timer = setTimeout(() => resolve('LATE'), START_WAITS_FOR_END_MS)));
    try {
      return (await Promise.race([outcome, late])) === 'ENDED';
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One attempt, its outcome recorded on the transaction; never rejects. While one is under way here
   * for the same transaction, that one's outcome. `holdsLease`: this process holds the end (the stop
   * it recorded, or a sweep's claim), so a passing failure schedules the next attempt.
   */
  attempt(charge: StoppedCharge, { holdsLease }: { holdsLease: boolean }): Promise<EndOutcome> {
    const running = this.running.get(charge.transactionId);
    if (running) return running;
    const attempt = this.endNow(charge, holdsLease).finally(() => this.running.delete(charge.transactionId));
    this.running.set(charge.transactionId, attempt);
    return attempt;
  }

  /** Stops waiting for readings and lets the attempts under way settle (their ends are due again at once). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Error('the central-system is shutting down'));
    await Promise.all(this.running.values());
  }

  private async endNow(charge: StoppedCharge, holdsLease: boolean): Promise<EndOutcome> {
    const correlationId = `ocpp:${charge.chargePointId}`;
    const fields = { event: 'ocpp.charge-end', ...charge, correlationId };
    try {
      await Promise.all(
        energyEnds(charge).map((telemetryId) =>
          this.arrivals.takenIn(charge.sessionId, telemetryId, correlationId, this.stopping.signal),
        ),
      );
      await this.backend.call<SessionView>(
        'sessions',
        SessionRpc.end,
        { sessionId: charge.sessionId, kind: 'CHARGING' },
        correlationId,
      );
      await this.transactions.recordEnded(charge.transactionId);
      return 'ENDED';
    } catch (error) {
      if (error instanceof BackendRefusal && error.error.code === 'SESSION_ALREADY_FINALIZED') {
        return this.transactions.recordEnded(charge.transactionId).then(
          () => 'ENDED' as const,
          () => 'POSTPONED' as const,
        );
      }
      if (error instanceof BackendRefusal && refusalStands(error.error.kind)) {
        this.logger.error({ ...fields, code: error.error.code }, 'ending the charge was refused, for good');
        await this.transactions.recordEndRefused(charge.transactionId, error.error.code).catch(() => undefined);
        return 'REFUSED';
      }
      // Shutting down: due at once, for whichever instance sweeps first.
      const delayMs = this.stopping.signal.aborted ? 0 : nextEndAttemptInMs(charge.attempts);
      this.logger.warn(
        { ...fields, delayMs, error: (error as Error).message },
        'ending the charge failed; tried again',
      );
      // If the database is out too, the lease runs out and a sweep takes the end all the same.
      if (holdsLease) await this.transactions.postponeEnd(charge.transactionId, delayMs).catch(() => undefined);
      return 'POSTPONED';
    }
  }
}
