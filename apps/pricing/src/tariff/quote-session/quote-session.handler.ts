import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QuoteRequest } from '@chargeflow/contracts';
import { priceSession, type BillingRecord } from '../domain/tariff-pricing';
import type { Tariff } from '../domain/tariff';
import { TariffRepository } from '../infrastructure/tariff.repository';
import { TariffNotFoundError, TariffNotInForceError } from '../manage-tariffs/tariff-management.errors';
import { QuoteSpanTooLongError } from './quote-session.errors';

export const OPERATOR_TIME_ZONE = Symbol('OPERATOR_TIME_ZONE');

/** The longest session a quote prices: a month of charging, and a bound on one request's work. */
export const MAX_QUOTE_SPAN_DAYS = 31;

/** Prices a hypothetical session with the tariff's version in force now; nothing is stored. */
@Injectable()
export class QuoteSessionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tariffs: TariffRepository,
    @Inject(OPERATOR_TIME_ZONE) private readonly operatorTimeZone: string,
  ) {}

  async execute(request: QuoteRequest): Promise<BillingRecord> {
    const spanMs = Date.parse(request.endedAt) - Date.parse(request.startedAt);
    if (spanMs > MAX_QUOTE_SPAN_DAYS * 86_400_000) throw new QuoteSpanTooLongError(MAX_QUOTE_SPAN_DAYS);
    const version = await this.tariffs.inForce(this.dataSource.manager, request.tariffId, new Date());
    if (!version) {
      if (await this.tariffs.latest(this.dataSource.manager, request.tariffId))
        throw new TariffNotInForceError(request.tariffId);
      throw new TariffNotFoundError(request.tariffId);
    }
    const tariff = { ...version.document, id: version.id, version: version.version } as unknown as Tariff;
    return priceSession(tariff, {
      kind: request.kind,
      startedAt: request.startedAt,
      endedAt: request.endedAt,
      energyWh: String(request.energyWh),
      parkingDurationS: request.parkingDurationS,
      timeZone: request.timeZone ?? this.operatorTimeZone,
    });
  }
}
