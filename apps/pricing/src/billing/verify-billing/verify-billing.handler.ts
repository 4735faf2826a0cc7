import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { VerifyBillingRequest, VerifyReport } from '@chargeflow/contracts';
import { canonicalJson } from '../../tariff/domain/canonical-json';
import { TariffRepository } from '../../tariff/infrastructure/tariff.repository';
import { BillingRepository } from '../infrastructure/billing.repository';
import { PriceFinalizedSessionHandler } from '../price-session/price-finalized-session.handler';

const BATCH = 500;

/**
 * Recomputes every stored record from its session and tariff version with this engine and compares
 * the canonical JSON: billing is derived, so a stored record must come out identical, byte for byte.
 */
@Injectable()
export class VerifyBillingHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly billing: BillingRepository,
    private readonly tariffs: TariffRepository,
    private readonly pricing: PriceFinalizedSessionHandler,
  ) {}

  async execute(request: VerifyBillingRequest): Promise<VerifyReport> {
    const report: VerifyReport = { checked: 0, mismatches: [] };
    let after: string | null = null;
    for (;;) {
      const stored = await this.billing.priced(this.dataSource.manager, request, after, BATCH);
      for (const entry of stored) {
        report.checked += 1;
        const version = await this.tariffs.version(
          this.dataSource.manager,
          entry.tariffId as string,
          entry.tariffVersion as number,
        );
        if (!version) {
          report.mismatches.push({
            sessionId: entry.sessionId,
            reason: `tariff ${entry.tariffId} version ${entry.tariffVersion} is missing`,
          });
          continue;
        }
        const recomputed = canonicalJson(this.pricing.recompute(entry.session, version));
        if (recomputed !== canonicalJson(entry.record)) {
          report.mismatches.push({
            sessionId: entry.sessionId,
            reason: 'the stored record differs from the one its inputs give',
          });
        }
      }
      if (stored.length < BATCH) return report;
      after = stored[stored.length - 1].sessionId;
    }
  }
}
