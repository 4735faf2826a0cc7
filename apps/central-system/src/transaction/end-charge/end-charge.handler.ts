import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { SessionRpc, type SessionView } from '@chargeflow/contracts';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { BackendClient, BackendRefusal } from '../../ocpp/backend.client';
import { nextEndAttemptInMs, refusalStands } from '../domain/charge-end';
import { TransactionRepository, type StoppedCharge } from '../infrastructure/transaction.repository';
import { telemetryHasTakenIn } from './telemetry-arrival';

export type EndOutcome = 'ENDED' | 'POSTPONED' | 'REFUSED';

/**
 * Ends a stopped transaction's charging session: once telemetry has taken in the stop's reading
 * (every earlier one of the transaction is in by then), the session ends through the seal, so the
 * charge's energy is the register's delta exactly. The StopTransaction is answered before this
 * runs; the row it recorded keeps the end due until an attempt settles it, so a failed attempt, or
 * one whose instance died, is made again (StoppedChargesReconciler).
 */
@Injectable()
export class EndChargeHandler implements BeforeApplicationShutdown {
  /** The attempts under way in this process, by transaction: a second asker waits for the first. */
  private readonly running = new Map<number, Promise<EndOutcome>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly backend: BackendClient,
    private readonly transactions: TransactionRepository,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts an attempt and returns at once: the charge point's answer does not wait for it. */
  startAttempt(charge: StoppedCharge): void {
    void this.attempt(charge);
  }

  /**
   * One attempt, its outcome recorded on the transaction; never rejects. While one is under way here
   * for the same transaction, that one's outcome.
   */
  attempt(charge: StoppedCharge): Promise<EndOutcome> {
    const running = this.running.get(charge.transactionId);
    if (running) return running;
    const attempt = this.endNow(charge).finally(() => this.running.delete(charge.transactionId));
    this.running.set(charge.transactionId, attempt);
    return attempt;
  }

  /**
   * Whether the session `sessionId` (one a start found in its way) was the charge of a stopped
   * transaction that is ended now: its end is attempted (or the attempt under way awaited) first.
   */
  async endedIfStopped(sessionId: string): Promise<boolean> {
    const charge = await this.transactions.pendingEnd(sessionId);
    return charge !== null && (await this.attempt(charge)) === 'ENDED';
  }

  private async endNow(charge: StoppedCharge): Promise<EndOutcome> {
    const correlationId = `ocpp:${charge.chargePointId}`;
    const fields = { event: 'ocpp.charge-end', ...charge, correlationId };
    try {
      if (charge.lastTelemetryId) {
        await telemetryHasTakenIn(
          this.backend,
          charge.sessionId,
          charge.lastTelemetryId,
          correlationId,
          this.stopping.signal,
        );
      }
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
        this.logger.error({ ...fields, code: error.error.code }, 'the sessions service refused to end the charge');
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
      await this.transactions.postponeEnd(charge.transactionId, delayMs).catch(() => undefined);
      return 'POSTPONED';
    }
  }

  /** Stops waiting for readings and lets the attempts under way settle (their ends are due again at once). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Error('the central-system is shutting down'));
    await Promise.all(this.running.values());
  }
}
