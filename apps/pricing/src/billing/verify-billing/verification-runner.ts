import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canonicalJson } from '../../tariff/domain/canonical-json';
import { TariffRepository, type TariffVersionRecord } from '../../tariff/infrastructure/tariff.repository';
import { BillingRepository, type StoredBilling } from '../infrastructure/billing.repository';
import { positionOf, VerificationRepository, type Verification } from '../infrastructure/verification.repository';
import { PriceFinalizedSessionHandler } from '../price-session/price-finalized-session.handler';

export const VERIFY_PAGE_SIZE = Symbol('VERIFY_PAGE_SIZE');

/** How often an idle runner looks for a verification left by an instance that stopped. */
const IDLE_POLL_MS = 5_000;

/**
 * Runs verifications page by page: each page of records is recomputed from its own inputs and
 * compared byte for byte (canonical JSON), then its progress is committed, so a verification survives
 * the instance that started it (another resumes from the last page once the lease lapses).
 */
@Injectable()
export class VerificationRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('billing-verification');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly billing: BillingRepository,
    private readonly tariffs: TariffRepository,
    private readonly verifications: VerificationRepository,
    private readonly pricing: PriceFinalizedSessionHandler,
    @Inject(VERIFY_PAGE_SIZE) private readonly pageSize: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), IDLE_POLL_MS);
    this.timer.unref();
    this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs every verification waiting, unless this instance is already at it. */
  wake(): void {
    this.running ??= this.drain()
      .catch((error: Error) => this.logger.error(`verification runner stopped: ${error.message}`))
      .finally(() => (this.running = null));
  }

  /** Resolves once every claimable verification is finished (tests and shutdown wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const leaseToken = randomUUID();
      const verification = await this.verifications.claim(this.dataSource.manager, leaseToken);
      if (!verification) return;
      await this.run(verification, leaseToken).catch((error: Error) =>
        this.verifications.fail(this.dataSource.manager, verification.id, leaseToken, error.message),
      );
    }
  }

  private async run(verification: Verification, leaseToken: string): Promise<void> {
    const range = {
      from: verification.rangeFrom?.toISOString(),
      to: verification.rangeTo?.toISOString(),
    };
    let after = positionOf(verification);
    while (!this.stopped) {
      const page = await this.billing.priced(this.dataSource.manager, range, after, this.pageSize);
      const mismatches = await this.check(page);
      const done = page.length < this.pageSize;
      const last = page.at(-1);
      if (last) after = { at: last.cursorAt, id: last.sessionId };
      const kept = await this.verifications.recordPage(this.dataSource.manager, {
        id: verification.id,
        leaseToken,
        checked: page.length,
        after,
        mismatches,
        done,
      });
      if (!kept || done) return;
    }
  }

  private async check(page: StoredBilling[]): Promise<{ sessionId: string; reason: string }[]> {
    const versions = new Map<string, Promise<TariffVersionRecord | null>>();
    const versionOf = (entry: StoredBilling) => {
      const key = `${entry.tariffId}/${entry.tariffVersion}`;
      if (!versions.has(key))
        versions.set(
          key,
          this.tariffs.version(this.dataSource.manager, entry.tariffId as string, entry.tariffVersion as number),
        );
      return versions.get(key) as Promise<TariffVersionRecord | null>;
    };
    const mismatches: { sessionId: string; reason: string }[] = [];
    for (const entry of page) {
      const version = await versionOf(entry);
      const reason = version
        ? this.differenceOf(entry, version)
        : `tariff ${entry.tariffId} version ${entry.tariffVersion} is missing`;
      if (reason) mismatches.push({ sessionId: entry.sessionId, reason });
    }
    return mismatches;
  }

  private differenceOf(entry: StoredBilling, version: TariffVersionRecord): string | null {
    try {
      const recomputed = canonicalJson(this.pricing.recompute(entry, version));
      return recomputed === canonicalJson(entry.record)
        ? null
        : 'the stored record differs from the one its inputs give';
    } catch (error) {
      return `its inputs no longer price: ${(error as Error).message}`;
    }
  }
}
