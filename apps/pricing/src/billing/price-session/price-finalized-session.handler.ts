import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  BILLING_CALCULATED_V1,
  BILLING_CALCULATED_V2,
  createEnvelope,
  Exchanges,
  type BillingCalculatedV1,
  type BillingCalculatedV2,
  type SessionFinalizedV1,
} from '@chargeflow/contracts';
import { addAllToOutbox, currentCorrelation } from '@chargeflow/messaging';
import { pricingInputOf } from '../../tariff/domain/pricing-input';
import type { Tariff } from '../../tariff/domain/tariff';
import { isEngineVersion, priceSession, type BillingRecord } from '../../tariff/domain/tariff-pricing';
import { TariffRepository, type TariffVersionRecord } from '../../tariff/infrastructure/tariff.repository';
import { OPERATOR_TIME_ZONE } from '../../tariff/quote-session/quote-session.handler';
import { BillingRepository, type StoredBilling } from '../infrastructure/billing.repository';

export class UnknownEngineVersionError extends Error {
  constructor(readonly engineVersion: string) {
    super(`no engine ${engineVersion} is known to recompute the record with`);
  }
}

/** Why a session a tariff applies to has no price: the engine's verdict (a DomainError), or its failure on the input. */
export function unpriceableReason(error: Error): string {
  return `a tariff applies but could not price it: ${error.message}`;
}

export function tariffOf(version: TariffVersionRecord): Tariff {
  return { ...version.document, id: version.id, version: version.version } as unknown as Tariff;
}

/**
 * Prices a finalized session with the tariff version in force at its start: a pure function of the
 * session, that version, the engine version and the time zone it was read in, all stored with it. With no tariff to apply, the session gets a visible
 * UNPRICED record, priced later when a tariff appears. Never changes session or telemetry data.
 * Every record written is announced as billing.calculated.v2 (with its revision), a PRICED one also
 * as billing.calculated.v1, in the same transaction through the outbox.
 */
@Injectable()
export class PriceFinalizedSessionHandler {
  constructor(
    private readonly tariffs: TariffRepository,
    private readonly billing: BillingRepository,
    @Inject(OPERATOR_TIME_ZONE) private readonly operatorTimeZone: string,
  ) {}

  /** Prices a session; the engine's refusal (a DomainError, or any error of its on this input) is thrown. */
  price(manager: EntityManager, session: SessionFinalizedV1): Promise<void> {
    return this.priceWith(manager, session, (error) => Promise.reject(error));
  }

  /**
   * Prices a session; when the engine refuses it (its verdict, a DomainError, or any error the pure
   * engine throws on this input), a visible UNPRICED record says why instead, which the sweep retries
   * at the back of its queue. Nothing is written before the engine has answered.
   */
  priceOrRecordRefusal(manager: EntityManager, session: SessionFinalizedV1): Promise<void> {
    return this.priceWith(manager, session, (error) => this.recordUnpriced(manager, session, unpriceableReason(error)));
  }

  private async priceWith(
    manager: EntityManager,
    session: SessionFinalizedV1,
    refused: (error: Error) => Promise<void>,
  ): Promise<void> {
    const version = await this.tariffs.applicable(
      manager,
      session.kind,
      session.stationId,
      new Date(session.startedAt),
    );
    if (!version)
      return this.recordUnpriced(manager, session, `no ${session.kind} tariff was in force at ${session.startedAt}`);
    let priced: { record: BillingRecord; timeZone: string };
    try {
      const input = pricingInputOf(session, this.operatorTimeZone);
      priced = { record: priceSession(tariffOf(version), input), timeZone: input.timeZone };
    } catch (error) {
      return refused(error as Error);
    }
    const revision = await this.billing.save(manager, session, priced);
    if (revision !== null) await this.announce(manager, session, revision, { record: priced.record });
  }

  /** A visible UNPRICED record saying why, announced; nothing for a session that has a record already. */
  private async recordUnpriced(manager: EntityManager, session: SessionFinalizedV1, reason: string): Promise<void> {
    const revision = await this.billing.save(manager, session, { reason });
    if (revision !== null) await this.announce(manager, session, revision, { reason });
  }

  /**
   * The engine's answer for a stored record's own inputs: its session, its tariff version, the engine
   * version that priced it and the zone it was read in. Verify compares the stored record with it.
   */
  recompute(stored: StoredBilling, version: TariffVersionRecord): BillingRecord {
    const engineVersion = stored.record?.engineVersion;
    if (!isEngineVersion(engineVersion)) throw new UnknownEngineVersionError(String(engineVersion));
    const input = pricingInputOf(stored.session, this.operatorTimeZone);
    return priceSession(tariffOf(version), { ...input, timeZone: stored.timeZone ?? input.timeZone }, engineVersion);
  }

  private async announce(
    manager: EntityManager,
    session: SessionFinalizedV1,
    revision: number,
    outcome: { record: BillingRecord } | { reason: string },
  ): Promise<void> {
    const origin = currentCorrelation() ?? { correlationId: session.sessionId };
    const events = (...facts: [type: string, payload: object][]) =>
      addAllToOutbox(
        manager,
        facts.map(([type, payload]) => ({
          exchange: Exchanges.events,
          routingKey: type,
          envelope: createEnvelope(type, payload, origin),
        })),
      );
    const facts = {
      sessionId: session.sessionId,
      kind: session.kind,
      riderId: session.riderId,
      vehicleId: session.vehicleId,
      stationId: session.stationId,
      startedAt: session.startedAt,
    };
    if (!('record' in outcome)) {
      const unpriced: BillingCalculatedV2 = {
        ...facts,
        revision,
        status: 'UNPRICED',
        reason: outcome.reason,
        endedAt: session.endedAt,
        tariffId: null,
        tariffVersion: null,
        engineVersion: null,
        currency: null,
        totalExclVat: null,
        totalVat: null,
        totalInclVat: null,
        inputHash: null,
      };
      await events([BILLING_CALCULATED_V2, unpriced]);
      return;
    }
    const { record } = outcome;
    const calculated: BillingCalculatedV1 = {
      ...facts,
      tariffId: record.tariffId,
      tariffVersion: record.tariffVersion,
      engineVersion: record.engineVersion,
      currency: record.currency,
      totalExclVat: record.totalExclVat,
      totalVat: record.totalVat,
      totalInclVat: record.totalInclVat,
      inputHash: record.inputHash,
    };
    const priced: BillingCalculatedV2 = {
      ...calculated,
      kind: session.kind,
      revision,
      status: 'PRICED',
      reason: null,
      endedAt: session.endedAt,
    };
    await events([BILLING_CALCULATED_V1, calculated], [BILLING_CALCULATED_V2, priced]);
  }
}
