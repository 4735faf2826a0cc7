import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CreateTariffRequest, PublishTariffRequest, TariffView } from '@chargeflow/contracts';
import { UnpricedSweep } from '../../billing/sweep-unpriced/unpriced-sweep';
import { parseTariff } from '../domain/tariff.validation';
import { TariffRepository, toTariffView } from '../infrastructure/tariff.repository';
import {
  EffectiveFromBeforePreviousError,
  EffectiveFromInPastError,
  TariffAlreadyExistsError,
  TariffNotFoundError,
  TariffTargetChangedError,
} from './tariff-management.errors';

/**
 * The document as stored: the validated tariff (OCPI's JSON numbers as exact decimal strings), without
 * the id and version the service assigns.
 */
function storedDocument(tariff: object): Record<string, unknown> {
  const { id, version, ...rest } = tariff as Record<string, unknown>;
  return rest;
}

/**
 * Creates tariffs at version 1 and publishes their next versions. A version is validated as a whole
 * before it is stored, and never changes afterwards. Sessions left UNPRICED are priced once a tariff
 * that applies to them appears (the sweep, run at once and then on its timer).
 */
@Injectable()
export class ManageTariffsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tariffs: TariffRepository,
    private readonly sweep: UnpricedSweep,
  ) {}

  /** Version 1 may be dated back: that is how sessions finalized before any tariff get priced. */
  async create(request: CreateTariffRequest): Promise<TariffView> {
    const id = randomUUID();
    const tariff = parseTariff({ ...request.document, id, version: 1 });
    const document = storedDocument(tariff);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.tariffs.createTariff(manager, id, tariff.appliesTo))) {
        const target = tariff.appliesTo.stationId
          ? `station ${tariff.appliesTo.stationId}`
          : `${tariff.appliesTo.kind} (default)`;
        throw new TariffAlreadyExistsError(target, await this.tariffs.tariffOf(manager, tariff.appliesTo));
      }
      await this.tariffs.insertVersion(manager, { id, version: 1, effectiveFrom: effectiveFrom(request), document });
    });
    await this.sweep.sweep();
    return this.view(id);
  }

  /**
   * A next version takes effect now or later, never before: the version a stored record names stays
   * the one in force at its session's start, so a rebuild prices it with the same version.
   */
  async publish(request: PublishTariffRequest): Promise<TariffView> {
    const now = new Date();
    if (request.effectiveFrom && new Date(request.effectiveFrom) < now) throw new EffectiveFromInPastError(now);
    await this.dataSource.transaction(async (manager) => {
      const latest = await this.tariffs.lockLatest(manager, request.id);
      if (!latest) throw new TariffNotFoundError(request.id);
      const tariff = parseTariff({ ...request.document, id: request.id, version: latest.version + 1 });
      const document = storedDocument(tariff);
      if (
        tariff.appliesTo.kind !== latest.appliesTo.kind ||
        tariff.appliesTo.stationId !== latest.appliesTo.stationId
      ) {
        throw new TariffTargetChangedError(request.id);
      }
      const from = effectiveFrom(request, now);
      if (from < latest.effectiveFrom) throw new EffectiveFromBeforePreviousError(latest.effectiveFrom);
      await this.tariffs.insertVersion(manager, {
        id: request.id,
        version: latest.version + 1,
        effectiveFrom: from,
        document,
      });
    });
    await this.sweep.sweep();
    return this.view(request.id);
  }

  async view(id: string): Promise<TariffView> {
    const record = await this.tariffs.latest(this.dataSource.manager, id);
    if (!record) throw new TariffNotFoundError(id);
    return toTariffView(record, await this.tariffs.versions(this.dataSource.manager, id));
  }
}

function effectiveFrom(request: CreateTariffRequest, now = new Date()): Date {
  return request.effectiveFrom ? new Date(request.effectiveFrom) : now;
}
