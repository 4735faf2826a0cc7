import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BillingRepository } from '../infrastructure/billing.repository';
import { PriceFinalizedSessionHandler } from '../price-session/price-finalized-session.handler';

export const SWEEP_INTERVAL_MS = Symbol('SWEEP_INTERVAL_MS');

/** At most this many sessions are priced per run: a run's work is bounded whatever is waiting. */
export const SWEEP_BATCH = 200;

/**
 * Prices the UNPRICED sessions a tariff now applies to. A publication sweeps at once, and a timer
 * sweeps again: a session finalized while a tariff was being published is written UNPRICED after the
 * publication looked (each transaction saw the other uncommitted), and the next run prices it.
 * Safe on any number of instances: a record is priced once (BillingRepository.save), the rest wait.
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
   * resolves how many sessions it priced.
   */
  sweep(): Promise<number> {
    this.pending += 1;
    const run = this.tail
      .catch(() => undefined)
      .then(() => this.run())
      .finally(() => (this.pending -= 1));
    this.tail = run;
    return run;
  }

  private async run(): Promise<number> {
    const waiting = await this.billing.sweepable(this.dataSource.manager, SWEEP_BATCH);
    let priced = 0;
    for (const session of waiting) {
      try {
        await this.dataSource.transaction((manager) => this.pricing.price(manager, session));
        priced += 1;
      } catch (error) {
        const reason = `a tariff applies but could not price it: ${(error as Error).message}`;
        this.logger.warn(`session ${session.sessionId} stays unpriced: ${reason}`);
        await this.billing.markUnpriceable(this.dataSource.manager, session.sessionId, reason);
      }
    }
    return priced;
  }
}
