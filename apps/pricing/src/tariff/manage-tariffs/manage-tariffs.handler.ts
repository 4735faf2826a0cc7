import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CreateTariffRequest, PublishTariffRequest, TariffView } from '@chargeflow/contracts';
import { parseTariff } from '../domain/tariff.validation';
import { TariffRepository, toTariffView, type TariffVersionRecord } from '../infrastructure/tariff.repository';
import { EffectiveFromBeforePreviousError, TariffAlreadyExistsError, TariffNotFoundError, TariffTargetChangedError } from './tariff-management.errors';

/** The document as stored: what the operator sent, without the id and version the service assigns. */
function storedDocument(document: Record<string, unknown>): Record<string, unknown> {
  const { id, version, ...rest } = document;
  return rest;
}

/**
 * Creates tariffs at version 1 and publishes their next versions. A version is validated as a whole
 * before it is stored, and never changes afterwards.
 */
@Injectable()
export class ManageTariffsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tariffs: TariffRepository,
  ) {}

  async create(request: CreateTariffRequest): Promise<TariffView> {
    const id = randomUUID();
    const document = storedDocument(request.document);
    const tariff = parseTariff({ ...document, id, version: 1 });
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.tariffs.createTariff(manager, id, tariff.appliesTo))) {
        const target = tariff.appliesTo.stationId ? `station ${tariff.appliesTo.stationId}` : `${tariff.appliesTo.kind} (default)`;
        throw new TariffAlreadyExistsError(target, await this.tariffs.tariffOf(manager, tariff.appliesTo));
      }
      await this.tariffs.insertVersion(manager, { id, version: 1, effectiveFrom: effectiveFrom(request), document });
    });
    return this.view(id);
  }

  async publish(request: PublishTariffRequest): Promise<TariffView> {
    await this.dataSource.transaction(async (manager) => {
      const latest = await this.tariffs.lockLatest(manager, request.id);
      if (!latest) throw new TariffNotFoundError(request.id);
      const document = storedDocument(request.document);
      const tariff = parseTariff({ ...document, id: request.id, version: latest.version + 1 });
      if (tariff.appliesTo.kind !== latest.appliesTo.kind || tariff.appliesTo.stationId !== latest.appliesTo.stationId) {
        throw new TariffTargetChangedError(request.id);
      }
      const from = effectiveFrom(request);
      if (from < latest.effectiveFrom) throw new EffectiveFromBeforePreviousError(latest.effectiveFrom);
      await this.tariffs.insertVersion(manager, { id: request.id, version: latest.version + 1, effectiveFrom: from, document });
    });
    return this.view(request.id);
  }

  async view(id: string, version?: TariffVersionRecord): Promise<TariffView> {
    const record = version ?? (await this.tariffs.latest(this.dataSource.manager, id));
    if (!record) throw new TariffNotFoundError(id);
    return toTariffView(record, await this.tariffs.versions(this.dataSource.manager, id));
  }
}

function effectiveFrom(request: CreateTariffRequest): Date {
  return request.effectiveFrom ? new Date(request.effectiveFrom) : new Date();
}
