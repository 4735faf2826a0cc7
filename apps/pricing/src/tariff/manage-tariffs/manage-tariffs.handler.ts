import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CreateTariffRequest, PublishTariffRequest, TariffView } from '@chargeflow/contracts';
import { BillingRepository } from '../../billing/infrastructure/billing.repository';
import { PriceFinalizedSessionHandler } from '../../billing/price-session/price-finalized-session.handler';
import type { Tariff } from '../domain/tariff';
import { parseTariff } from '../domain/tariff.validation';
import { TariffRepository, toTariffView } from '../infrastructure/tariff.repository';
import {
  EffectiveFromBeforePreviousError,
  TariffAlreadyExistsError,
  TariffNotFoundError,
  TariffTargetChangedError,
} from './tariff-management.errors';

/** The document as stored: what the operator sent, without the id and version the service assigns. */
function storedDocument(document: Record<string, unknown>): Record<string, unknown> {
  const { id, version, ...rest } = document;
  return rest;
}

/**
 * Creates tariffs at version 1 and publishes their next versions. A version is validated as a whole
 * before it is stored, and never changes afterwards. Sessions left UNPRICED are priced once a tariff
 * that applies to them appears.
 */
@Injectable()
export class ManageTariffsHandler {
  private readonly logger = new Logger('tariffs');

  constructor(
    private readonly dataSource: DataSource,
    private readonly tariffs: TariffRepository,
    private readonly billing: BillingRepository,
    private readonly pricing: PriceFinalizedSessionHandler,
  ) {}

  async create(request: CreateTariffRequest): Promise<TariffView> {
    const id = randomUUID();
    const document = storedDocument(request.document);
    const tariff = parseTariff({ ...document, id, version: 1 });
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.tariffs.createTariff(manager, id, tariff.appliesTo))) {
        const target = tariff.appliesTo.stationId
          ? `station ${tariff.appliesTo.stationId}`
          : `${tariff.appliesTo.kind} (default)`;
        throw new TariffAlreadyExistsError(target, await this.tariffs.tariffOf(manager, tariff.appliesTo));
      }
      await this.tariffs.insertVersion(manager, { id, version: 1, effectiveFrom: effectiveFrom(request), document });
    });
    await this.priceWaitingSessions(tariff);
    return this.view(id);
  }

  async publish(request: PublishTariffRequest): Promise<TariffView> {
    const published = await this.dataSource.transaction(async (manager) => {
      const latest = await this.tariffs.lockLatest(manager, request.id);
      if (!latest) throw new TariffNotFoundError(request.id);
      const document = storedDocument(request.document);
      const tariff = parseTariff({ ...document, id: request.id, version: latest.version + 1 });
      if (
        tariff.appliesTo.kind !== latest.appliesTo.kind ||
        tariff.appliesTo.stationId !== latest.appliesTo.stationId
      ) {
        throw new TariffTargetChangedError(request.id);
      }
      const from = effectiveFrom(request);
      if (from < latest.effectiveFrom) throw new EffectiveFromBeforePreviousError(latest.effectiveFrom);
      await this.tariffs.insertVersion(manager, {
        id: request.id,
        version: latest.version + 1,
        effectiveFrom: from,
        document,
      });
      return tariff;
    });
    await this.priceWaitingSessions(published);
    return this.view(request.id);
  }

  async view(id: string): Promise<TariffView> {
    const record = await this.tariffs.latest(this.dataSource.manager, id);
    if (!record) throw new TariffNotFoundError(id);
    return toTariffView(record, await this.tariffs.versions(this.dataSource.manager, id));
  }

  /** Each waiting session in its own transaction: one that fails to price stays UNPRICED, visibly. */
  private async priceWaitingSessions(tariff: Tariff): Promise<void> {
    const waiting = await this.billing.unpriced(
      this.dataSource.manager,
      tariff.appliesTo.kind,
      tariff.appliesTo.stationId ?? null,
    );
    for (const session of waiting) {
      await this.dataSource
        .transaction((manager) => this.pricing.price(manager, session))
        .catch((error: Error) => this.logger.warn(`session ${session.sessionId} stays unpriced: ${error.message}`));
    }
  }
}

function effectiveFrom(request: CreateTariffRequest): Date {
  return request.effectiveFrom ? new Date(request.effectiveFrom) : new Date();
}
