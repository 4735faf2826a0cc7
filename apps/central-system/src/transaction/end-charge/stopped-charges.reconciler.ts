import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { TransactionRepository } from '../infrastructure/transaction.repository';
import { EndChargeHandler } from './end-charge.handler';

/**
 * How long an attempt holds a charge's end before a sweep may take it: above the longest an attempt
 * takes (the wait for the start's and the stop's readings, at most 15 s plus one look's 10 s deadline,
 * then the end's 10 s).
 */
export const CHARGE_END_LEASE_MS = Symbol('CHARGE_END_LEASE_MS');

/** How often an instance looks for charges whose end is due. */
const SWEEP_EVERY_MS = 1_000;
/** Attempts under way at once in one process; a sweep claims only up to this, the next one takes the rest. */
const ATTEMPTS_AT_ONCE = 200;

/**
 * Makes the attempts that are due again: after a passing failure (the sessions service unavailable,
 * a timeout), or when the instance that answered the stop died before its attempt settled. Any
 * instance may take any charge; the lease keeps two from taking the same one at once, and ending a
 * session twice finalizes it once.
 */
@Injectable()
export class StoppedChargesReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly transactions: TransactionRepository,
    private readonly endCharge: EndChargeHandler,
    @Inject(CHARGE_END_LEASE_MS) private readonly leaseMs: number,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  /**
   * Claims the ends that are due and starts their attempts without waiting for them (one may wait
   * half a minute for telemetry; the next sweep is a second away); resolves how many it took.
   */
  async sweep(): Promise<number> {
    const room = ATTEMPTS_AT_ONCE - this.endCharge.underWay;
    if (room <= 0) return 0;
    const due = await this.transactions.claimDueEnds(this.leaseMs, room);
    for (const charge of due) this.endCharge.startAttempt(charge);
    return due.length;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.sweeping = this.sweep()
        .catch((error: Error) =>
          this.logger.warn(
            { event: 'ocpp.charge-end.sweep-failed', error: error.message },
            'looking for due ends failed',
          ),
        )
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, SWEEP_EVERY_MS);
  }
}
