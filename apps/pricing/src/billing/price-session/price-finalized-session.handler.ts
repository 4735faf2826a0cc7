import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  BILLING_CALCULATED_V1,
  createEnvelope,
  Exchanges,
  type BillingCalculatedV1,
  type SessionFinalizedV1,
} from '@chargeflow/contracts';
import { addToOutbox, currentCorrelation } from '@chargeflow/messaging';
import { pricingInputOf } from '../../tariff/domain/pricing-input';
import type { Tariff } from '../../tariff/domain/tariff';
import { priceSession, type BillingRecord } from '../../tariff/domain/tariff-pricing';
import { TariffRepository, type TariffVersionRecord } from '../../tariff/infrastructure/tariff.repository';
import { OPERATOR_TIME_ZONE } from '../../tariff/quote-session/quote-session.handler';
import { BillingRepository } from '../infrastructure/billing.repository';

export function tariffOf(version: TariffVersionRecord): Tariff {
  return { ...version.document, id: version.id, version: version.version } as unknown as Tariff;
}

/**
 * Prices a finalized session with the tariff version in force at its start: a pure function of the
 * session, that version and the engine version. With no tariff to apply, the session gets a visible
 * UNPRICED record, priced later when a tariff appears. Never changes session or telemetry data.
 */
@Injectable()
export class PriceFinalizedSessionHandler {
  constructor(
    private readonly tariffs: TariffRepository,
    private readonly billing: BillingRepository,
    @Inject(OPERATOR_TIME_ZONE) private readonly operatorTimeZone: string,
  ) {}

  async price(manager: EntityManager, session: SessionFinalizedV1): Promise<void> {
    const version = await this.tariffs.applicable(
      manager,
      session.kind,
      session.stationId,
      new Date(session.startedAt),
    );
    if (!version) {
      await this.billing.save(manager, session, {
        reason: `no ${session.kind} tariff was in force at ${session.startedAt}`,
      });
      return;
    }
    const record = this.recompute(session, version);
    if (await this.billing.save(manager, session, { record })) await this.announce(manager, session, record);
  }

  /** The engine's answer for a session and a tariff version; verify compares stored records with it. */
  recompute(session: SessionFinalizedV1, version: TariffVersionRecord): BillingRecord {
    return priceSession(tariffOf(version), pricingInputOf(session, this.operatorTimeZone));
  }

  private async announce(manager: EntityManager, session: SessionFinalizedV1, record: BillingRecord): Promise<void> {
    const event: BillingCalculatedV1 = {
      sessionId: session.sessionId,
      kind: session.kind,
      riderId: session.riderId,
      vehicleId: session.vehicleId,
      stationId: session.stationId,
      startedAt: session.startedAt,
      tariffId: record.tariffId,
      tariffVersion: record.tariffVersion,
      engineVersion: record.engineVersion,
      currency: record.currency,
      totalExclVat: record.totalExclVat,
      totalVat: record.totalVat,
      totalInclVat: record.totalInclVat,
      inputHash: record.inputHash,
    };
    const origin = currentCorrelation() ?? { correlationId: session.sessionId };
    await addToOutbox(
      manager,
      Exchanges.events,
      BILLING_CALCULATED_V1,
      createEnvelope(BILLING_CALCULATED_V1, event, origin),
    );
  }
}
