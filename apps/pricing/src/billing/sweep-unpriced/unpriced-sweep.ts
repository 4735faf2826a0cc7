import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@chargeflow/contracts';
import { BillingRepository } from '../infrastructure/billing.repository';
import { PriceFinalizedSessionHandler, unpriceableReason } from '../price-session/price-finalized-session.handler';

export const SWEEP_INTERVAL_MS = Symbol('SWEEP_INTERVAL_MS');

/** At most this many sessions are priced per run: a run's work is bounded whatever is waiting. */
export const SWEEP_BATCH = 200;

/** What one run did with each session it took up. */
export interface SweepRun {
  priced: number;
  /** The engine's verdict: the session cannot be priced as it stands; its reason is recorded. */
  unpriceable: number;
  /** A transient failure (timeout, lost connection, broker down): left untouched for the next run. */
  deferred: number;
}

/**
 * Prices the UNPRICED sessions a tariff now applies to. A publication sweeps at once, and a timer
 * sweeps again: a session finalized while a tariff was being published is written UNPRICED after the
 * publication looked (each transaction saw the other uncommitted), and the next run prices it.
 * Safe on any number of instances: a record is priced once (BillingRepository.save), the rest wait.
 * Only the engine's verdict (a DomainError) is recorded on the record; any other failure says nothing
 * about the session, so the record is left as it was and the next run tries it again.
 */
@Injectable()
export class UnpricedSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('unpriced-sweep');
  private timer: NodeJS.Timeout | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly billing: BillingRepository,
    private readonly pricing: PriceFinalizedSessionHandler,
    @Inject(SWEEP_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      // A timer tick while runs are still queued would only lengthen the queue.
      if (this.pending === 0) this.sweep().catch((error: Error) => this.logger.warn(error.message));
    }, this.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.tail.catch(() => undefined);
  }

  /**
   * One bounded run after those already queued, so it sees every tariff committed before the call;
   * resolves what it did with the sessions it took up.
   */
  sweep(): Promise<SweepRun> {
    this.pending += 1;
    const run = this.tail
      .catch(() => undefined)
      .then(() => this.run())
      .finally(() => (this.pending -= 1));
    this.tail = run;
    return run;
  }

  private async run(): Promise<SweepRun> {
    const waiting = await this.billing.sweepable(this.dataSource.manager, SWEEP_BATCH);
    const run: SweepRun = { priced: 0, unpriceable: 0, deferred: 0 };
    for (const session of waiting) {
      try {
        await this.dataSource.transaction((manager) => this.pricing.price(manager, session));
        run.priced += 1;
      } catch (error) {
        if (!(error instanceof DomainError)) {
          run.deferred += 1;
          this.logger.warn(`session ${session.sessionId} left for the next run: ${(error as Error).message}`);
          continue;
        }
        run.unpriceable += 1;
        await this.billing.markUnpriceable(this.dataSource.manager, session.sessionId, unpriceableReason(error));
      }
    }
    if (waiting.length > 0)
      this.logger.log(
        `swept ${waiting.length}: ${run.priced} priced, ${run.unpriceable} unpriceable, ${run.deferred} deferred by a transient error`,
      );
    return run;
  }
}
